/** SoundToggle: turns the notification beep on or off (saved); plays a beep when turned on. */
import { useSyncExternalStore } from 'react';
import { useI18n } from '../i18n/useI18n';
import { SpeakerOffIcon, SpeakerOnIcon } from '../layout/icons';
import { useServices } from '../services';
import { beep } from './beep';

export function SoundToggle() {
  const { t } = useI18n();
  const { preferences } = useServices();
  const on = useSyncExternalStore(preferences.subscribe, preferences.getSound);
  return (
    <button
      type="button"
      className="btn-icon"
      aria-pressed={on}
      aria-label={t('nav.sound')}
      title={on ? t('nav.soundOn') : t('nav.soundOff')}
      onClick={() => {
        preferences.setSound(!on);
        if (!on) beep();
      }}
    >
      {on ? <SpeakerOnIcon /> : <SpeakerOffIcon />}
    </button>
  );
}
