/**
 * HeraldErrorBoundary: catches render errors below it, shows a recoverable panel ("Try again"
 * re-renders the children) or the app's `fallback`, and reports the error once to the server's
 * `POST /api/v1/errors` ({message, stack, componentStack, url, userAgent}; with a Bearer token when
 * `getToken` gives one). Reporting never throws: a failed report is dropped.
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';

/** What a custom fallback gets. */
export interface ErrorFallbackProps {
  error: Error;
  reset: () => void;
}

export interface HeraldErrorBoundaryProps {
  children?: ReactNode;
  /** A node, or a function of the error and `reset`; default a small panel with "Try again". */
  fallback?: ReactNode | ((props: ErrorFallbackProps) => ReactNode);
  /** Where reports go (default `/api/v1/errors`); `null` disables reporting. */
  reportUrl?: string | null;
  /** The access token to send with a report, if any. */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** Called after each caught error (logging, analytics). */
  onError?: (error: Error, info: ErrorInfo) => void;
  /** Default-panel texts (for translation). */
  labels?: { title?: string; retry?: string };
  /** `fetch` to report with (default the global one). */
  fetch?: typeof fetch;
}

interface State {
  error: Error | null;
}

/** An error report as the server takes it. */
export interface ErrorReport {
  message: string;
  stack?: string;
  componentStack?: string;
  url?: string;
  userAgent?: string;
}

const cut = (text: string | null | undefined, max: number) => (text ? text.slice(0, max) : undefined);

/**
 * Build the report body for `error` (fields trimmed to the server's limits, and the stacks short
 * enough that a whole report of ASCII text fits the server's default body cap of 16 KiB).
 */
export function buildErrorReport(error: Error, componentStack?: string | null): ErrorReport {
  const report: ErrorReport = { message: cut(error.message || String(error), 2000) ?? 'Error' };
  const stack = cut(error.stack, 7_000);
  const components = cut(componentStack, 3_500);
  const url = cut(globalThis.location?.href, 2000);
  const userAgent = cut(globalThis.navigator?.userAgent, 500);
  if (stack) report.stack = stack;
  if (components) report.componentStack = components;
  if (url) report.url = url;
  if (userAgent) report.userAgent = userAgent;
  return report;
}

/** Error boundary with a retry panel and server-side reporting. */
export class HeraldErrorBoundary extends Component<HeraldErrorBoundaryProps, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    this.props.onError?.(error, info);
    void this.report(error, info.componentStack);
  }

  reset = (): void => {
    this.setState({ error: null });
  };

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    const { fallback, labels } = this.props;
    if (typeof fallback === 'function') return fallback({ error, reset: this.reset });
    if (fallback !== undefined) return fallback;
    return (
      <div role="alert" className="herald-error-boundary">
        <p>{labels?.title ?? 'Something went wrong.'}</p>
        <button type="button" onClick={this.reset}>
          {labels?.retry ?? 'Try again'}
        </button>
      </div>
    );
  }

  private async report(error: Error, componentStack?: string | null): Promise<void> {
    const { reportUrl = '/api/v1/errors', getToken } = this.props;
    const send = this.props.fetch ?? globalThis.fetch;
    if (reportUrl === null || !send) return;
    try {
      const token = await getToken?.();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      await send(reportUrl, { method: 'POST', headers, body: JSON.stringify(buildErrorReport(error, componentStack)) });
    } catch {
      // Reporting is best effort: the panel is what matters to the user.
    }
  }
}
