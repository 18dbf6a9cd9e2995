/**
 * Entry: make the services once and render the app, once the dictionary of the language it starts in
 * has loaded (a chunk of its own: the first load carries one language, not all), so the first paint
 * is in that language.
 */
import './zod-without-eval'; // first: before any schema is built (see the file)
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadDictionary } from './i18n/dictionaries';
import { initialLanguage } from './i18n/language-choice';
import { registerServiceWorker } from './notifications/push-device';
import { createServices } from './services';
import './index.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
const services = createServices();
// Rendered even if the dictionary failed to load: I18nProvider asks for it again.
void loadDictionary(initialLanguage())
  .catch(() => undefined)
  .then(() =>
    createRoot(root).render(
      <StrictMode>
        <App services={services} />
      </StrictMode>,
    ),
  );
// The service worker shows push notifications; registering it asks for no permission.
void registerServiceWorker();
