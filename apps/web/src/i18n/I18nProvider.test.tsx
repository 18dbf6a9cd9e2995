// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { loadedDictionary } from './dictionaries';
import { en } from './en';
import { I18nProvider } from './I18nProvider';
import { useI18n } from './useI18n';
import { zh } from './zh';

afterEach(cleanup);

/** Shows the login title and records every title it rendered. */
function Probe({ seen }: { seen: string[] }) {
  const { t, language, setLanguage } = useI18n();
  const title = t('login.title');
  seen.push(title);
  return (
    <>
      <h1 data-language={language}>{title}</h1>
      <button type="button" onClick={() => setLanguage(language === 'en' ? 'zh' : 'en')}>
        switch
      </button>
    </>
  );
}

describe('I18nProvider', () => {
  it('renders once its dictionary has loaded, then switches language only when the new one is here (no keys shown)', async () => {
    expect(loadedDictionary('en')).toBeUndefined();
    expect(loadedDictionary('zh')).toBeUndefined();
    const seen: string[] = [];
    const { container } = render(
      <I18nProvider language="en">
        <Probe seen={seen} />
      </I18nProvider>,
    );
    expect(container.innerHTML).toBe(''); // nothing, rather than keys
    expect((await screen.findByRole('heading')).textContent).toBe(en['login.title']);
    expect(loadedDictionary('zh')).toBeUndefined(); // the other language is not fetched for nothing

    await act(async () => screen.getByRole('button').click());
    expect((await screen.findByText(zh['login.title'])).getAttribute('data-language')).toBe('zh');
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(localStorage.getItem('herald.language')).toBe('zh');
    // Every render showed a real title: English until Chinese arrived, never a key.
    expect(new Set(seen)).toEqual(new Set([en['login.title'], zh['login.title']]));
    expect(seen.indexOf(zh['login.title'])).toBeGreaterThan(seen.lastIndexOf(en['login.title']));

    // Back to a loaded language: at once.
    act(() => screen.getByRole('button').click());
    expect(screen.getByRole('heading').textContent).toBe(en['login.title']);
    expect(localStorage.getItem('herald.language')).toBe('en');
  });

  it('starts in the saved language', async () => {
    localStorage.setItem('herald.language', 'zh');
    render(
      <I18nProvider>
        <Probe seen={[]} />
      </I18nProvider>,
    );
    expect((await screen.findByRole('heading')).textContent).toBe(zh['login.title']);
  });
});
