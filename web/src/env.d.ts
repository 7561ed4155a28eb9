// Vite turns imported CSS into a stylesheet link in the built page.
declare module '*.css';
