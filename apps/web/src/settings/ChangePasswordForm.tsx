/**
 * "Change password" (`POST /auth/password`): current, new and confirmation, checked here first (8 to
 * 200 characters, the confirmation matches); a wrong current password is shown on its field. The
 * server ends every other session, and the toast says how many devices that signed out.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import { type FormEvent, useId, useRef, useState } from 'react';
import { toast } from 'sonner';
import type { MessageKey } from '../i18n/en';
import { useI18n } from '../i18n/useI18n';
import { useServices } from '../services';
import { type PasswordErrors, type PasswordFields, validatePasswordChange } from './password-validation';

const EMPTY: PasswordFields = { current: '', next: '', confirm: '' };
const ORDER = ['current', 'next', 'confirm'] as const;

export function ChangePasswordForm(props: { onChanged: () => void }) {
  const { t } = useI18n();
  const { api } = useServices();
  const id = useId();
  const [fields, setFields] = useState<PasswordFields>(EMPTY);
  const [errors, setErrors] = useState<PasswordErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const refs = { current: useRef<HTMLInputElement>(null), next: useRef<HTMLInputElement>(null), confirm: useRef<HTMLInputElement>(null) };

  const show = (found: PasswordErrors) => {
    setErrors(found);
    const first = ORDER.find((field) => found[field]);
    if (first) refs[first].current?.focus();
    return first !== undefined;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    if (show(validatePasswordChange(fields))) return;
    setBusy(true);
    try {
      const { revoked } = await api.auth.changePassword({ body: { currentPassword: fields.current, newPassword: fields.next } });
      toast.success(revoked === 0 ? t('settings.password.changedAlone') : t('settings.password.changed', { count: revoked }));
      setFields(EMPTY);
      props.onChanged();
    } catch (error) {
      const code = error instanceof HeraldError ? error.code : null;
      if (code === ErrorCode.InvalidCredentials) show({ current: 'settings.password.wrongCurrent' });
      else if (code === ErrorCode.RateLimited) setFormError(t('login.errors.rateLimited'));
      else setFormError(t('settings.password.failed', { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      setBusy(false);
    }
  };

  const field = (name: keyof PasswordFields, label: MessageKey, autoComplete: string) => {
    const error = errors[name];
    return (
      <div className="space-y-1">
        <label htmlFor={`${id}-${name}`} className="block text-sm font-medium">
          {t(label)}
        </label>
        <input
          ref={refs[name]}
          id={`${id}-${name}`}
          name={name}
          type="password"
          autoComplete={autoComplete}
          value={fields[name]}
          onChange={(event) => setFields({ ...fields, [name]: event.target.value })}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-${name}-error` : name === 'next' ? `${id}-hint` : undefined}
          className="input"
        />
        {error && (
          <p id={`${id}-${name}-error`} className="text-sm text-red-600 dark:text-red-400" data-testid={`password-error-${name}`}>
            {t(error)}
          </p>
        )}
      </div>
    );
  };

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="mb-3 font-semibold">
        {t('settings.password')}
      </h2>
      <form noValidate onSubmit={submit} className="max-w-md space-y-3">
        {field('current', 'settings.password.current', 'current-password')}
        {field('next', 'settings.password.new', 'new-password')}
        <p id={`${id}-hint`} className="text-xs text-slate-600 dark:text-slate-300">
          {t('settings.password.hint')}
        </p>
        {field('confirm', 'settings.password.confirm', 'new-password')}
        {formError && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
            {formError}
          </p>
        )}
        <button type="submit" disabled={busy} className="btn-primary">
          {busy ? t('settings.password.working') : t('settings.password.submit')}
        </button>
      </form>
    </section>
  );
}
