/**
 * The sandboxed iframe a mail is shown in. No allow-scripts: nothing in the mail can run.
 * allow-same-origin only lets this page read the content's height (the content itself
 * cannot run code to use it); allow-popups(-to-escape-sandbox) lets links open in a
 * normal new tab. No allow-forms, no allow-top-navigation.
 */
import { useEffect, useRef } from 'preact/hooks';

export const MAIL_SANDBOX = 'allow-same-origin allow-popups allow-popups-to-escape-sandbox';

export function MailFrame({ srcdoc, title }: { srcdoc: string; title: string }) {
  const ref = useRef<HTMLIFrameElement>(null);
  useEffect(() => {
    const frame = ref.current;
    if (!frame) return;
    let observer: ResizeObserver | undefined;
    const fit = () => {
      const doc = frame.contentDocument;
      if (!doc?.documentElement) return;
      frame.style.height = `${Math.max(doc.documentElement.scrollHeight, 80)}px`;
    };
    const onLoad = () => {
      fit();
      observer?.disconnect();
      const body = frame.contentDocument?.body;
      if (body) {
        observer = new ResizeObserver(fit);
        observer.observe(body);
      }
    };
    frame.addEventListener('load', onLoad);
    return () => {
      frame.removeEventListener('load', onLoad);
      observer?.disconnect();
    };
  }, []);
  return (
    <iframe
      ref={ref}
      class="mail-frame"
      sandbox={MAIL_SANDBOX}
      srcdoc={srcdoc}
      title={title}
      referrerpolicy="no-referrer"
      loading="eager"
    />
  );
}
