/** DesktopToggle: asks for desktop-notification permission; shown only while it can still be asked. */
import { useState } from 'react';
import { useI18n } from '../i18n/useI18n';
import { MonitorIcon } from '../layout/icons';
import { desktopPermission, requestDesktopPermission } from './desktop';

export function DesktopToggle() {
  const { t } = useI18n();
  const [permission, setPermission] = useState(desktopPermission);
  if (permission !== 'default') return null;
  return (
    <button
      type="button"
      className="btn-icon"
      aria-label={t('nav.desktopEnable')}
      title={t('nav.desktopEnable')}
      onClick={() => void requestDesktopPermission().then(setPermission)}
    >
      <MonitorIcon />
    </button>
  );
}
