/**
 * Notification settings: desktop notifications (ask permission, or turn them off again), and Web
 * Push on this device — an explicit "enable" button (permission is asked only on that click, never
 * on load), a private-previews switch, and the list of my devices receiving push, each removable.
 */
import type { PushSubscriptionView } from '@herald/protocol';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { toast } from 'sonner';
import { useI18n } from '../i18n/useI18n';
import { desktopPermission, requestDesktopPermission } from '../notifications/desktop';
import { PushDevice, type PushDeviceState } from '../notifications/push-device';
import { useServices } from '../services';

const PREVIEW_KEY = 'herald.push.preview';

export function NotificationSettings() {
  const { t } = useI18n();
  const { api, preferences } = useServices();
  const device = useMemo(() => new PushDevice(api), [api]);
  const [state, setState] = useState<PushDeviceState | null>(null);
  const [preview, setPreview] = useState(() => localStorage.getItem(PREVIEW_KEY) !== 'off');
  const [devices, setDevices] = useState<{ subscriptions: PushSubscriptionView[]; thisEndpoint: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [permission, setPermission] = useState(desktopPermission);
  const desktopOn = useSyncExternalStore(preferences.subscribe, preferences.getDesktop);

  const refresh = useCallback(async () => {
    setState(await device.state());
    setDevices(await device.list());
  }, [device]);

  useEffect(() => {
    void refresh().catch(() => setState('unsupported'));
  }, [refresh]);

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      toast.error(t('push.failed', { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      setBusy(false);
      await refresh().catch(() => undefined);
    }
  };

  const toggleDesktop = async (on: boolean) => {
    if (on && permission === 'default') setPermission(await requestDesktopPermission());
    preferences.setDesktop(on);
  };

  return (
    <section className="card" aria-labelledby="notification-settings-heading" data-testid="notification-settings">
      <h2 id="notification-settings-heading" className="mb-3 font-semibold">
        {t('push.title')}
      </h2>
      <div className="space-y-4 text-sm">
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            data-testid="desktop-switch"
            checked={desktopOn && permission === 'granted'}
            disabled={permission === 'denied' || permission === 'unsupported'}
            onChange={(event) => void toggleDesktop(event.target.checked)}
          />
          <span>{t('push.desktop')}</span>
        </label>
        {permission === 'denied' && <p className="text-xs text-slate-500">{t('push.blocked')}</p>}

        <div className="space-y-2">
          <p className="font-medium">{t('push.device')}</p>
          <p className="text-xs text-slate-600 dark:text-slate-300">{t('push.hint')}</p>
          <p data-testid="push-state" data-state={state ?? 'loading'}>
            {state === null ? '…' : t(`push.state.${state}`)}
          </p>
          {state === 'off' && (
            <button
              type="button"
              className="btn-primary"
              data-testid="push-enable"
              disabled={busy}
              onClick={() => void run(async () => setState(await device.enable(preview)))}
            >
              {t('push.enable')}
            </button>
          )}
          {state === 'on' && (
            <button
              type="button"
              className="btn-secondary"
              data-testid="push-disable"
              disabled={busy}
              onClick={() => void run(() => device.disable())}
            >
              {t('push.disable')}
            </button>
          )}
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              data-testid="push-private"
              checked={!preview}
              disabled={busy}
              onChange={(event) => {
                const next = !event.target.checked;
                setPreview(next);
                localStorage.setItem(PREVIEW_KEY, next ? 'on' : 'off');
                if (state === 'on') void run(() => device.setPreview(next));
              }}
            />
            <span>{t('push.private')}</span>
          </label>
        </div>

        {devices && devices.subscriptions.length > 0 && (
          <div>
            <p className="mb-1 font-medium">{t('push.devices')}</p>
            <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="push-devices">
              {devices.subscriptions.map((s) => (
                <li key={s.id} className="flex items-center gap-2 py-2">
                  <span className="flex-1">
                    {s.label}
                    {s.endpoint === devices.thisEndpoint && <span className="ml-2 text-xs text-emerald-600">{t('push.thisDevice')}</span>}
                    {!s.preview && <span className="ml-2 text-xs text-slate-500">{t('push.privateShort')}</span>}
                  </span>
                  <button
                    type="button"
                    className="btn-secondary text-xs"
                    disabled={busy}
                    onClick={() =>
                      void run(async () => {
                        if (s.endpoint === devices.thisEndpoint) await device.disable();
                        else await api.push.remove({ params: { id: s.id } });
                      })
                    }
                  >
                    {t('push.remove')}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </section>
  );
}
