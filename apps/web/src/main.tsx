/** Entry: make the services once and render the app. */
import './zod-without-eval'; // first: before any schema is built (see the file)
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { registerServiceWorker } from './notifications/push-device';
import { createServices } from './services';
import './index.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App services={createServices()} />
  </StrictMode>,
);
// The service worker shows push notifications; registering it asks for no permission.
void registerServiceWorker();
