/** The result screen: approved, denied, or a problem with the next steps that fit it. */
import { actionLabel, describeProblem, type NextStep, type Stage } from '../messages.js';
import { $, setText } from '../shell.js';
import type { App, ResultOptions } from './app.js';

export function resultScreen(app: App) {
  const ui = {
    mark: $('result-mark'),
    title: $('result-title'),
    detail: $('result-detail'),
    actions: $('result-actions'),
  };

  function runStep(step: NextStep, retry?: () => void): void {
    switch (step) {
      case 'scan-again':
        app.go.scan();
        break;
      case 'retry':
        retry?.();
        break;
      case 'sign-in':
        app.go.signIn(app.t.screens.signInToContinue);
        break;
      case 'home':
        app.go.home();
        break;
    }
  }

  function show(opts: ResultOptions): void {
    ui.mark.className = `result-mark ${opts.tone}`;
    setText(ui.mark, opts.tone === 'ok' ? '✓' : opts.tone === 'denied' ? '✕' : '!');
    setText(ui.title, opts.title);
    setText(ui.detail, opts.detail);
    ui.actions.replaceChildren();
    for (const step of opts.actions) {
      if (step === 'retry' && !opts.retry) continue;
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.action = step;
      b.textContent = actionLabel(step, app.lang);
      b.addEventListener('click', () => runStep(step, opts.retry));
      ui.actions.append(b);
    }
    app.show('result');
    app.shell.announce(app.t.problemLine(opts.title, opts.detail));
  }

  function problem(err: unknown, stage: Stage, retry?: () => void): void {
    const p = describeProblem(err, stage, app.lang);
    // The service no longer accepts this phone's sign-in: forget it.
    if (p.id === 'signed-out' || p.id === 'blocked') app.account.forget();
    show({
      tone: 'problem',
      title: p.title,
      detail: p.detail,
      actions: p.actions,
      ...(retry ? { retry } : {}),
    });
  }

  return { show, problem };
}
