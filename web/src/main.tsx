import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
// One stylesheet in four parts, in cascade order.
import './styles/base.css';
import './styles/screens.css';
import './styles/pack-station.css';
import './styles/more-screens.css';
import './styles/first-run.css';
import './styles/orders.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
