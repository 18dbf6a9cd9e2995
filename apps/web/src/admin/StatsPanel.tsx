/**
 * Live statistics, cluster-wide: connections, online users and messages per second, each with its
 * last minute as a sparkline. Every figure goes through Intl.NumberFormat in the page's language.
 */
import { useI18n } from '../i18n/useI18n';
import { formatNumber } from './admin-labels';
import { Sparkline } from './Sparkline';
import { useAdminStats } from './useAdminStats';

export function StatsPanel() {
  const { t, locale } = useI18n();
  const { samples, error } = useAdminStats();
  const whole = (value: number) => formatNumber(locale, value, 0);
  const rate = (value: number) => formatNumber(locale, value, 1);
  const latest = samples.at(-1);
  const cards = [
    {
      key: 'connections',
      label: t('admin.connections'),
      values: samples.map((s) => s.connections),
      format: whole,
      colour: 'stroke-blue-600',
    },
    {
      key: 'online',
      label: t('admin.onlineUsers'),
      values: samples.map((s) => s.onlineUsers),
      format: whole,
      colour: 'stroke-emerald-600',
    },
    {
      key: 'rate',
      label: t('admin.messagesPerSecond'),
      values: samples.map((s) => s.messagesPerSecond1s),
      format: rate,
      colour: 'stroke-violet-600',
    },
  ];
  return (
    <section className="card" aria-labelledby="stats-title">
      <div className="mb-3 flex items-baseline justify-between">
        <h2 id="stats-title" className="font-semibold">
          {t('admin.stats')}
        </h2>
        {latest && <span className="text-xs text-slate-500">{t('admin.nodes', { count: latest.nodes.length })}</span>}
      </div>
      {error && (
        <p role="alert" className="mb-2 text-sm text-red-600">
          {t('admin.loadFailed', { message: error })}
        </p>
      )}
      {!latest ? (
        <p className="text-sm text-slate-500" role="status">
          {t('admin.waiting')}
        </p>
      ) : (
        <div className="grid gap-3 sm:grid-cols-3">
          {cards.map((card) => (
            <div key={card.key} className="rounded-lg bg-slate-50 p-3 dark:bg-slate-800" data-testid={`stat-${card.key}`}>
              <div className="text-xs font-medium text-slate-500 dark:text-slate-400">{card.label}</div>
              <div className="text-2xl font-semibold tabular-nums">{card.format(card.values.at(-1) ?? 0)}</div>
              {card.key === 'rate' && (
                <div className="text-xs text-slate-500">{t('admin.perMinute', { rate: rate(latest.messagesPerSecond1m) })}</div>
              )}
              <Sparkline values={card.values} label={card.label} format={card.format} className={card.colour} />
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
