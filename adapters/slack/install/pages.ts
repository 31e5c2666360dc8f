/**
 * The few web pages of the install flow: the "Add to Slack" page at `/slack/install`, and what the
 * browser shows when Slack sends it back (installed, or why not). Pure: text in, HTML out; every
 * value from outside (a workspace name, an error) is escaped.
 */

/** Escape text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1d1c1d}',
    'a.button{display:inline-block;padding:.6rem 1.1rem;border-radius:6px;background:#4a154b;color:#fff;text-decoration:none;font-weight:600}</style>',
    `</head><body>${body}</body></html>`,
  ].join('\n');
}

/** The page at `/slack/install`: what Paperboy does and the button to Slack's authorize URL. */
export function installPage(authorizeUrl: string): string {
  return page(
    'Add Paperboy to Slack',
    [
      '<h1>Paperboy</h1>',
      '<p>Research papers in your Slack channels: <code>/papers kv cache compression</code>, ',
      '<code>@Paperboy show snapkv</code>, a digest every morning, watches and reading lists.</p>',
      `<p><a class="button" href="${escapeHtml(authorizeUrl)}">Add to Slack</a></p>`,
      '<p>Slack asks you to choose a workspace and approve what Paperboy may do there.</p>',
    ].join(''),
  );
}

/** After a finished install. */
export function installedPage(workspace: string | undefined): string {
  const where = workspace ? ` to <strong>${escapeHtml(workspace)}</strong>` : '';
  return page(
    'Paperboy is installed',
    `<h1>Paperboy is installed</h1><p>Paperboy was added${where}. Invite it to a channel (<code>/invite @Paperboy</code>) and try <code>/papers help</code>.</p>`,
  );
}

/** After an install that did not finish: why, in words, and where to start again. */
export function installFailedPage(reason: string, installPath: string): string {
  return page(
    'Paperboy was not installed',
    `<h1>Paperboy was not installed</h1><p>${escapeHtml(reason)}</p><p><a href="${escapeHtml(installPath)}">Start again</a></p>`,
  );
}
