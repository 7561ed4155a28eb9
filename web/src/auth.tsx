/**
 * Who is signed in: GET /auth/session on load (401: the sign-in screen), POST /auth/login, POST /auth/logout.
 * The session is an HttpOnly cookie the page never sees; its CSRF token is handed to api.ts, which echoes it on
 * every unsafe request. Any 401 from any request ends the session here, so the sign-in screen shows.
 * `can(permission, shop?)` answers from the session's shops, so screens hide or disable what the role lacks.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  api,
  ApiError,
  NetworkError,
  setSignedIn,
  setUnauthenticatedHandler,
  type Permission,
  type Role,
  type Session,
} from './api';
import { closeLiveStream } from './hooks';

export type AuthState =
  | { status: 'checking' }
  | { status: 'signed-out'; unreachable?: boolean }
  | { status: 'signed-in'; session: Session };

interface Auth {
  state: AuthState;
  session: Session | undefined;
  /** Whether the role in `shop` (or, without one, in any shop) allows `permission`. */
  can: (permission: Permission, shop?: string) => boolean;
  /** The shops where `permission` is held. */
  shopsWith: (permission: Permission) => string[];
  /** Whether any of the session's roles is one of these. */
  hasRole: (...roles: Role[]) => boolean;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** Re-reads the session (a check before showing the app; a retry when the server was unreachable). */
  recheck: () => Promise<void>;
}

const AuthContext = createContext<Auth | undefined>(undefined);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'checking' });

  const signedOut = useCallback((unreachable = false) => {
    setSignedIn(undefined);
    closeLiveStream();
    setState((s) =>
      s.status === 'signed-out' && !s.unreachable === !unreachable ? s : { status: 'signed-out', unreachable },
    );
  }, []);

  const signedIn = useCallback((session: Session) => {
    setSignedIn(session);
    setState({ status: 'signed-in', session });
  }, []);

  const recheck = useCallback(async () => {
    try {
      signedIn(await api<Session>('/auth/session'));
    } catch (error) {
      // 401 (nobody signed in) is the ordinary answer before signing in: the sign-in screen, no error.
      if (error instanceof ApiError || error instanceof NetworkError) signedOut(error instanceof NetworkError);
      else throw error;
    }
  }, [signedIn, signedOut]);

  useEffect(() => {
    setUnauthenticatedHandler(() => signedOut());
    void recheck();
    return () => setUnauthenticatedHandler(undefined);
  }, [recheck, signedOut]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      signedIn(await api<Session>('/auth/login', { method: 'POST', body: { email, password } }));
    },
    [signedIn],
  );

  const signOut = useCallback(async () => {
    // The screens go first (their requests are aborted, the live stream closed), then the session ends.
    const csrf = state.status === 'signed-in' ? state.session.csrf_token : null;
    closeLiveStream();
    setState({ status: 'checking' });
    setSignedIn({ csrf_token: csrf });
    try {
      await api('/auth/logout', { method: 'POST', body: {} });
    } catch {
      /* the session is gone either way: a 401 says it ended already */
    }
    signedOut();
  }, [state, signedOut]);

  const value = useMemo<Auth>(() => {
    const session = state.status === 'signed-in' ? state.session : undefined;
    const shops = session?.shops ?? [];
    // The account's owner may do everything in it, before its first shop too (the first screen of a fresh installation).
    const ownsAccount = session?.account_owner === true;
    return {
      state,
      session,
      can: (permission, shop) =>
        (ownsAccount && shop === undefined) ||
        shops.some((s) => (shop === undefined || s.id === shop) && s.permissions.includes(permission)),
      shopsWith: (permission) => shops.filter((s) => s.permissions.includes(permission)).map((s) => s.id),
      hasRole: (...roles) => (ownsAccount && roles.includes('owner')) || shops.some((s) => roles.includes(s.role)),
      signIn,
      signOut,
      recheck,
    };
  }, [state, signIn, signOut, recheck]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}
