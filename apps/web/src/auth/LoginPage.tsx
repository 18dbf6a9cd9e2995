/**
 * /login: sign in or sign up, with per-field validation messages. This page never opens a
 * WebSocket (the Herald client only exists inside the signed-in shell).
 */
import { HeraldError } from '@herald/protocol';
import { type FormEvent, useId, useRef, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import type { MessageKey } from '../i18n/en';
import { useI18n } from '../i18n/useI18n';
import { LanguageSwitch } from '../layout/LanguageSwitch';
import { useServices } from '../services';
import { type FieldErrors, type LoginFields, type LoginMode, serverErrorKey, validateLogin } from './login-validation';
import { useAuth } from './useAuth';

export function LoginPage() {
  const { t } = useI18n();
  const { session } = useServices();
  const auth = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/chat';
  const [mode, setMode] = useState<LoginMode>('signIn');
  const [fields, setFields] = useState<LoginFields>({ email: '', password: '', name: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const refs = { email: useRef<HTMLInputElement>(null), password: useRef<HTMLInputElement>(null), name: useRef<HTMLInputElement>(null) };
  const id = useId();

  if (auth.status === 'signed-in') return <Navigate to={from} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validateLogin(mode, fields);
    setErrors(found);
    setFormError(null);
    const first = (['name', 'email', 'password'] as const).find((field) => found[field]);
    if (first) {
      refs[first].current?.focus();
      return;
    }
    setBusy(true);
    try {
      if (mode === 'signIn') await session.login(fields.email.trim(), fields.password);
      else await session.register(fields.email.trim(), fields.password, fields.name.trim());
      navigate(from, { replace: true });
    } catch (error) {
      // No answer at all (status 0) is the network's fault, not the server's.
      const code = error instanceof HeraldError ? (error.status === 0 ? 'network' : error.code) : 'unknown';
      if (code === 'bad_request' && error instanceof HeraldError) {
        setFormError(t('login.errors.unknown', { message: error.message }));
      } else setFormError(t(serverErrorKey(code), { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      setBusy(false);
    }
  };

  const switchMode = (next: LoginMode) => {
    setMode(next);
    setErrors({});
    setFormError(null);
  };

  const field = (name: keyof LoginFields, label: MessageKey, type: string, autoComplete: string) => {
    const error = errors[name];
    return (
      <div className="space-y-1">
        <label htmlFor={`${id}-${name}`} className="block text-sm font-medium text-slate-700 dark:text-slate-200">
          {t(label)}
        </label>
        <input
          ref={refs[name]}
          id={`${id}-${name}`}
          name={name}
          type={type}
          autoComplete={autoComplete}
          value={fields[name]}
          onChange={(event) => setFields({ ...fields, [name]: event.target.value })}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-${name}-error` : undefined}
          className="input"
        />
        {error && (
          <p id={`${id}-${name}-error`} className="text-sm text-red-600 dark:text-red-400" data-testid={`error-${name}`}>
            {t(error)}
          </p>
        )}
      </div>
    );
  };

  return (
    <main id="main" className="flex min-h-dvh items-center justify-center bg-slate-100 px-4 py-10 dark:bg-slate-950">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-between">
          <h1 className="text-2xl font-semibold text-slate-900 dark:text-white">{t('login.title')}</h1>
          <LanguageSwitch />
        </div>
        <div className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
          <div role="tablist" aria-label={t('login.title')} className="mb-5 grid grid-cols-2 rounded-lg bg-slate-100 p-1 dark:bg-slate-800">
            {(['signIn', 'signUp'] as const).map((tab) => (
              <button
                key={tab}
                type="button"
                role="tab"
                aria-selected={mode === tab}
                onClick={() => switchMode(tab)}
                className={`rounded-md py-1.5 text-sm font-medium ${mode === tab ? 'bg-white shadow-sm dark:bg-slate-700 dark:text-white' : 'text-slate-600 dark:text-slate-300'}`}
              >
                {t(tab === 'signIn' ? 'login.signIn' : 'login.signUp')}
              </button>
            ))}
          </div>
          <form noValidate onSubmit={submit} className="space-y-4" aria-label={t(mode === 'signIn' ? 'login.signIn' : 'login.signUp')}>
            {mode === 'signUp' && field('name', 'login.name', 'text', 'name')}
            {field('email', 'login.email', 'email', 'email')}
            {field('password', 'login.password', 'password', mode === 'signIn' ? 'current-password' : 'new-password')}
            {formError && (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
                {formError}
              </p>
            )}
            <button type="submit" disabled={busy} className="btn-primary w-full">
              {busy ? t('login.working') : t(mode === 'signIn' ? 'login.submitSignIn' : 'login.submitSignUp')}
            </button>
          </form>
          <p className="mt-4 text-center text-sm text-slate-600 dark:text-slate-400">
            {t(mode === 'signIn' ? 'login.noAccount' : 'login.haveAccount')}{' '}
            <button
              type="button"
              className="font-medium text-blue-600 hover:underline dark:text-blue-400"
              onClick={() => switchMode(mode === 'signIn' ? 'signUp' : 'signIn')}
            >
              {t(mode === 'signIn' ? 'login.signUp' : 'login.signIn')}
            </button>
          </p>
        </div>
      </div>
    </main>
  );
}
