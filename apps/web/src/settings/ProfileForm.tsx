/**
 * "Profile" (`PATCH /users/me`): the display name, checked here first (profile-validation.ts), and
 * the avatar — a picked image is cropped and resized to 256×256 in the browser (avatar-image.ts),
 * previewed, uploaded (`/files/upload`) and set; "Remove" clears it. The signed-in user's copy is
 * replaced with the server's answer, and everyone who shares a conversation sees the change live
 * (`user_changed`).
 */
import { HeraldError, type User } from '@herald/protocol';
import { type ChangeEvent, type FormEvent, useId, useRef, useState } from 'react';
import { toast } from 'sonner';
import { useAuth } from '../auth/useAuth';
import { Avatar } from '../chat/Avatar';
import type { MessageKey } from '../i18n/en';
import { useI18n } from '../i18n/useI18n';
import { useServices } from '../services';
import { isAvatarType, squareAvatar } from './avatar-image';
import { displayNameProblem } from './profile-validation';

export function ProfileForm({ user }: { user: User }) {
  const { t } = useI18n();
  const { api, uploader, session } = useServices();
  const id = useId();
  const [name, setName] = useState(user.name);
  const [nameError, setNameError] = useState<MessageKey | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const nameInput = useRef<HTMLInputElement>(null);

  const save = async (change: { name?: string; avatar?: string | null }, done: MessageKey) => {
    setBusy(true);
    setFormError(null);
    try {
      const { user: updated } = await api.users.updateMe({ body: change });
      session.updateUser(updated);
      toast.success(t(done));
    } catch (error) {
      setFormError(
        t('profile.failed', { message: error instanceof HeraldError || error instanceof Error ? error.message : String(error) }),
      );
    } finally {
      setBusy(false);
    }
  };

  const submitName = (event: FormEvent) => {
    event.preventDefault();
    const problem = displayNameProblem(name);
    setNameError(problem);
    if (problem) return nameInput.current?.focus();
    setName(name.trim());
    void save({ name: name.trim() }, 'profile.saved');
  };

  const pick = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    if (!isAvatarType(file)) return setFormError(t('profile.avatarBadType'));
    let square: File;
    try {
      square = await squareAvatar(file);
    } catch {
      return setFormError(t('profile.avatarUnreadable'));
    }
    setBusy(true);
    try {
      const { file: uploaded } = await uploader.upload(square, () => undefined).promise;
      await save({ avatar: uploaded.id }, 'profile.avatarSaved');
    } catch (error) {
      setFormError(t('profile.failed', { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-heading`} data-testid="profile">
      <h2 id={`${id}-heading`} className="mb-3 font-semibold">
        {t('profile.title')}
      </h2>
      <div className="flex flex-col gap-5 sm:flex-row">
        <div className="flex flex-col items-center gap-2" data-testid="avatar-preview">
          <span role="img" aria-label={t('profile.avatarPreview')}>
            <Avatar name={user.name} seed={user.id} image={user.avatar} size="lg" />
          </span>
          <input
            ref={picker}
            type="file"
            accept="image/png,image/jpeg,image/webp,image/gif"
            className="sr-only"
            aria-label={t('profile.avatarChoose')}
            data-testid="avatar-input"
            onChange={(event) => void pick(event)}
          />
          <button type="button" className="btn-secondary text-sm" disabled={busy} onClick={() => picker.current?.click()}>
            {t('profile.avatarChoose')}
          </button>
          {user.avatar && (
            <button
              type="button"
              className="btn-secondary text-sm"
              disabled={busy}
              onClick={() => void save({ avatar: null }, 'profile.avatarRemoved')}
            >
              {t('profile.avatarRemove')}
            </button>
          )}
        </div>
        <form noValidate onSubmit={submitName} className="min-w-0 max-w-md flex-1 space-y-3">
          <div className="space-y-1">
            <label htmlFor={`${id}-name`} className="block text-sm font-medium">
              {t('profile.name')}
            </label>
            <input
              ref={nameInput}
              id={`${id}-name`}
              name="name"
              autoComplete="nickname"
              className="input"
              value={name}
              onChange={(event) => setName(event.target.value)}
              aria-invalid={nameError ? true : undefined}
              aria-describedby={nameError ? `${id}-name-error` : `${id}-name-hint`}
            />
            {nameError ? (
              <p id={`${id}-name-error`} className="text-sm text-red-600 dark:text-red-400" data-testid="profile-name-error">
                {t(nameError)}
              </p>
            ) : (
              <p id={`${id}-name-hint`} className="text-xs text-slate-600 dark:text-slate-300">
                {t('profile.nameHint')}
              </p>
            )}
          </div>
          <p className="text-xs text-slate-600 dark:text-slate-300">{t('profile.avatarHint')}</p>
          {formError && (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
              {formError}
            </p>
          )}
          <button type="submit" disabled={busy} className="btn-primary">
            {busy ? t('profile.saving') : t('profile.save')}
          </button>
        </form>
      </div>
    </section>
  );
}

/** The Profile section for the signed-in user (nothing while signed out). */
export function ProfileSection() {
  const { user } = useAuth();
  if (!user) return null;
  return <ProfileForm user={user} />;
}
