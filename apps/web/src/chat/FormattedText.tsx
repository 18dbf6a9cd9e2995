/**
 * FormattedText: a message's text rendered from message-format's AST with React elements only
 * (never HTML strings), so nothing in a message can inject markup. Links open in a new tab with
 * `rel="noopener noreferrer"`; mentions of members (their names from the member list) and @all /
 * @here are chips. Long words and URLs wrap anywhere (`.message-text`), code blocks too.
 */
import type { GroupMention } from '@herald/protocol';
import { Fragment, memo, type ReactNode, useMemo } from 'react';
import { type Block, type Inline, parseMessage } from './message-format';

export interface FormattedTextProps {
  text: string;
  /** Ids the server resolved as mentioned. */
  mentions: readonly string[];
  groupMention: GroupMention | null;
  names: ReadonlyMap<string, string>;
  /** On my own (blue) bubble: colours that read on it. */
  onAccent: boolean;
  myId: string;
}

export const FormattedText = memo(function FormattedText({ text, mentions, groupMention, names, onAccent, myId }: FormattedTextProps) {
  const blocks = useMemo(() => {
    const mentioned = mentions.flatMap((userId) => {
      const name = names.get(userId);
      return name ? [{ userId, name }] : [];
    });
    return parseMessage(text, { mentions: mentioned, groupMention });
  }, [text, mentions, groupMention, names]);
  const style: Style = { onAccent, myId };
  return (
    <div className="message-text formatted-text text-[15px] leading-snug" data-testid="message-text">
      {blocks.map((block, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: blocks have no identity but their place
        <Fragment key={index}>{renderBlock(block, style)}</Fragment>
      ))}
    </div>
  );
});

interface Style {
  onAccent: boolean;
  myId: string;
}

function renderBlock(block: Block, style: Style): ReactNode {
  switch (block.kind) {
    case 'paragraph':
      return <p>{renderInlines(block.children, style)}</p>;
    case 'code':
      return (
        <pre
          className={`rounded-md px-2 py-1.5 font-mono text-[13px] ${style.onAccent ? 'bg-black/20' : 'bg-slate-100 dark:bg-slate-900'}`}
        >
          <code data-lang={block.lang || undefined}>{block.text}</code>
        </pre>
      );
    case 'quote':
      return (
        <blockquote
          className={`border-l-[3px] pl-2 ${style.onAccent ? 'border-white/60' : 'border-slate-300 text-slate-600 dark:border-slate-600 dark:text-slate-300'}`}
        >
          {block.children.map((child, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: blocks have no identity but their place
            <Fragment key={index}>{renderBlock(child, style)}</Fragment>
          ))}
        </blockquote>
      );
    case 'list': {
      const items = block.items.map((item, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: items have no identity but their place
        <li key={index}>{renderInlines(item, style)}</li>
      ));
      return block.ordered ? (
        <ol className="list-decimal pl-6" start={block.start}>
          {items}
        </ol>
      ) : (
        <ul className="list-disc pl-5">{items}</ul>
      );
    }
  }
}

function renderInlines(nodes: readonly Inline[], style: Style): ReactNode[] {
  return nodes.map((node, index) => {
    const key = index;
    switch (node.kind) {
      case 'text':
        return <Fragment key={key}>{node.text}</Fragment>;
      case 'strong':
        return <strong key={key}>{renderInlines(node.children, style)}</strong>;
      case 'em':
        return <em key={key}>{renderInlines(node.children, style)}</em>;
      case 'code':
        return (
          <code
            key={key}
            className={`rounded px-1 font-mono text-[0.9em] ${style.onAccent ? 'bg-black/20' : 'bg-slate-100 dark:bg-slate-900'}`}
          >
            {node.text}
          </code>
        );
      case 'link':
        return (
          <a
            key={key}
            href={node.href}
            target="_blank"
            rel="noopener noreferrer"
            className={`underline underline-offset-2 ${style.onAccent ? 'text-white' : 'text-blue-700 dark:text-blue-300'}`}
          >
            {renderInlines(node.children, style)}
          </a>
        );
      case 'mention': {
        const me = node.userId === style.myId || node.group !== null;
        const tone = style.onAccent
          ? 'bg-white/25 text-white'
          : me
            ? 'bg-amber-100 text-amber-900 dark:bg-amber-900/60 dark:text-amber-100'
            : 'bg-blue-50 text-blue-800 dark:bg-blue-950 dark:text-blue-200';
        return (
          <span
            key={key}
            className={`mention-chip rounded px-0.5 font-medium ${tone}`}
            data-mention={node.userId ?? node.group ?? undefined}
          >
            {node.text}
          </span>
        );
      }
      default:
        return null;
    }
  });
}
