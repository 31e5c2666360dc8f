import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type HTTPReceiverOptions } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Adapter } from '../../src/core/adapter.ts';
import type { SlackConfig } from '../../src/app/config.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { Reply } from '../../src/reply/reply.ts';
import type { PostTarget } from '../../src/posting/poster.ts';
import type { InstallationStore } from '../../src/installations/store.ts';
import { boltInstallationStore } from './install/installation-store.ts';
import { installStateStore, STATE_TTL_MS } from './install/state-store.ts';
import { installFailedPage, installPage, installedPage } from './install/pages.ts';
import { registerUninstallListeners, type WorkspaceEvents } from './install/uninstall.ts';
import { boltLevel, boltLogger } from './bolt-logger.ts';
import { seenBefore } from '../shared/seen.ts';
import type { EphemeralStore } from '../../src/ephemeral/store.ts';
import { SlackDeliveryError, deliveryFailureReason, isRetryableSlackError } from './delivery-error.ts';
import { errInfo, scrubSecrets } from '../shared/requests.ts';
import { createHttpFront, SIGNATURE_TTL_MS, type HttpFront } from './http-front.ts';
import { InFlight } from '../shared/in-flight.ts';
import { registerListeners } from './listeners.ts';
import { renderSlack } from './render.ts';
import { slackPostRef } from './post-ref.ts';

export { renderSlack, type SlackMessage, type SlackRenderOptions } from './render.ts';
export { SLACK_LIMITS } from './limits.ts';
export { SlackDeliveryError } from './delivery-error.ts';

export interface SlackAdapterOptions {
  config: SlackConfig;
  paperboy: Paperboy;
  logger: Logger;
  /** Retries for failed Web API calls (5xx, network, 429 after Retry-After). Default 3. */
  retries?: number;
  /** Socket Mode: reconnect when the connection drops (default true). */
  autoReconnect?: boolean;
  /** HTTP mode: the clock the request checks use (tests). */
  now?: () => number;
  /** How long `stop()` waits for acknowledged work to be answered (default `DRAIN_MS`). */
  drainMs?: number;
  /** Facts shared with the other processes (the state's ephemeral store): event ids and request signatures seen. */
  shared?: EphemeralStore;
  /** HTTP mode: other GET paths served on its port (`/healthz`, `/metrics`). */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
  /** OAuth mode (required there): every workspace's installation, tokens sealed (the state's `installations`). */
  installations?: InstallationStore;
  /** A workspace removed the app, or installed it (again): its schedules and watches pause or resume. */
  workspaces?: WorkspaceEvents;
}

/** OAuth mode: where the install page and Slack's redirect are served. */
export const INSTALL_PATH = '/slack/install';
export const DEFAULT_REDIRECT_PATH = '/slack/oauth_redirect';

/** How long stopping waits for commands already acknowledged to be answered. */
export const DRAIN_MS = 10_000;

export interface SlackAdapter extends Adapter {
  readonly name: 'slack';
  /** `socket` when an app token is configured, `oauth` for many workspaces (HTTP, each on its own token), else `http`. */
  readonly mode: 'socket' | 'http' | 'oauth';
  /** HTTP mode: the port actually bound (useful with port 0), after `start()`. */
  readonly port: number | undefined;
  /** The bot's own Slack user id, after `start()` (one workspace; in OAuth mode each event names its own). */
  readonly botUserId: string | undefined;
  /**
   * Post a reply to a channel (scheduled posts, alerts). In OAuth mode with the token of the
   * target's workspace. Rejects with `SlackDeliveryError` when Slack refuses, or when the workspace
   * has no installation.
   */
  post(target: PostTarget, reply: Reply): Promise<void>;
}

/** `SLACK_API_URL` as the Web API client wants it: always ending in `/`. */
export function normalizeApiUrl(url: string | undefined): string | undefined {
  if (url === undefined || url.trim() === '') return undefined;
  const u = url.trim();
  return u.endsWith('/') ? u : `${u}/`;
}

/**
 * Whether a failed call never got an answer from Slack (no connection, DNS failure, timeout):
 * a network problem, which no token change can fix.
 */
function isNetworkFailure(err: unknown): boolean {
  const code = err !== null && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  return code === 'slack_webapi_request_error' || code === 'ETIMEDOUT' || code === 'ECONNREFUSED' || code === 'ENOTFOUND';
}

/** The low-level cause of a network failure (`getaddrinfo ENOTFOUND slack.com`), when there is one. */
function networkCause(err: unknown): string | undefined {
  const original = (err as { original?: { message?: unknown; cause?: { message?: unknown; code?: unknown } } }).original;
  const cause = original?.cause?.message ?? original?.cause?.code ?? original?.message;
  return typeof cause === 'string' && cause !== '' ? cause.slice(0, 200) : undefined;
}

/** Turn a failed `auth.test` (or `apps.connections.open`) into a startup error that names the problem. */
function startupError(err: unknown, step: string, apiUrl: string): Error {
  // The API URL is shown, its credentials (a proxy's, say) never are.
  const e = new Error(scrubSecrets(startupMessage(err, step, apiUrl)));
  e.name = 'SlackStartupError';
  return e;
}

function startupMessage(err: unknown, step: string, apiUrl: string): string {
  if (isNetworkFailure(err)) {
    const cause = networkCause(err);
    return (
      `Slack start-up failed: could not reach the Slack API at ${apiUrl}${cause ? ` (${cause})` : ''} — a network problem, ` +
      'not a token problem. Check the internet connection, proxy or firewall' +
      `${apiUrl === DEFAULT_API_URL ? '' : ', and SLACK_API_URL'}.`
    );
  }
  const reason = deliveryFailureReason(err);
  if (/^http_5\d\d$/.test(reason)) {
    return `Slack start-up failed: ${step} got ${reason} from ${apiUrl} — Slack is having trouble; try again in a few minutes.`;
  }
  const hints: Record<string, string> = {
    invalid_auth: 'the token is not valid (revoked, mistyped, or from another app)',
    not_authed: 'no token was sent',
    account_inactive: 'the token belongs to a deleted app or workspace',
    token_revoked: 'the token was revoked; reinstall the app and copy the new token',
    not_allowed_token_type: 'the token has the wrong type (SLACK_APP_TOKEN must be an xapp- token)',
    missing_scope: 'the token lacks a required scope (app token: connections:write)',
  };
  const which = step === 'auth.test' ? 'SLACK_BOT_TOKEN' : 'SLACK_APP_TOKEN';
  const hint = hints[reason] ?? `Slack refused the request at ${apiUrl}`;
  return `Slack start-up failed: ${step} said "${reason}" — ${hint}. Check ${which} in your .env.`;
}

const DEFAULT_API_URL = 'https://slack.com/api/';

/**
 * The Slack adapter. Socket Mode when `config.appToken` is set, otherwise HTTP mode (events,
 * commands and interactivity all on `POST /slack/events` at `config.port`, signatures verified
 * with `config.signingSecret`). `start()` checks the bot token with `auth.test` first and fails
 * with a clear message when Slack rejects it.
 */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { config, paperboy, logger } = options;
  const log = logger.child({ component: 'slack' });
  const mode: 'socket' | 'http' | 'oauth' = config.oauth ? 'oauth' : config.appToken ? 'socket' : 'http';
  if (config.oauth && !options.installations) throw new Error("Slack OAuth mode needs the installation store (the state's installations)");
  const installations = options.installations;
  const redirectPath = config.oauth?.redirectUri ? new URL(config.oauth.redirectUri).pathname : DEFAULT_REDIRECT_PATH;
  const apiUrl = normalizeApiUrl(config.apiUrl);
  // Event ids for 15 minutes (Slack retries for up to ~5), in the shared store when there is one.
  const onSharedError = (err: unknown) => log.warn({ err: errInfo(err) }, 'shared store unavailable for request ids; treating as new');
  const seen = seenBefore({ ...(options.shared ? { store: options.shared } : {}), ttlMs: 15 * 60_000, onError: onSharedError });
  const seenSignatures = seenBefore({
    ...(options.shared ? { store: options.shared } : {}),
    ttlMs: SIGNATURE_TTL_MS,
    ...(options.now ? { now: options.now } : {}),
    onError: onSharedError,
  });
  const inflight = new InFlight();

  let app: App | undefined;
  let port: number | undefined;
  let botUserId: string | undefined;
  let state: 'new' | 'starting' | 'running' | 'stopped' = 'new';

  const clientOptions = () => ({
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: options.retries ?? 3, factor: 2, minTimeout: 250, maxTimeout: 5000 },
    timeout: 15_000,
  });

  /** The Slack paths served in HTTP mode (events, commands and interactivity may use any of them). */
  const HTTP_PATHS = ['/slack/events', '/slack/commands', '/slack/actions'];
  let front: HttpFront | undefined;

  /** An app, and the switch that keeps its Bolt and Web API warnings at debug level during start-up. */
  function build(): { a: App; receiver: HTTPReceiver | SocketModeReceiver; session: { quiet: boolean } } {
    if (mode !== 'socket' && !config.signingSecret) {
      throw new Error('Slack HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for Socket Mode).');
    }
    // A failed start is reported once, by start()'s error: the client's own "http request failed"
    // retries are not repeated as warnings, before or after it.
    const session = { quiet: true };
    const blog = boltLogger(logger, 'bolt', () => session.quiet);
    const receiver =
      mode === 'socket'
        ? new SocketModeReceiver({
            appToken: config.appToken ?? '',
            logger: blog,
            logLevel: boltLevel(logger),
            autoReconnectEnabled: options.autoReconnect ?? true,
            installerOptions: { clientOptions: clientOptions() },
          })
        : new HTTPReceiver({
            signingSecret: config.signingSecret ?? '',
            port: config.port,
            logger: blog,
            logLevel: boltLevel(logger),
            endpoints: HTTP_PATHS,
            ...oauthOptions(),
          });
    const a = new App({
      ...(config.botToken ? { token: config.botToken } : {}),
      receiver,
      logger: blog,
      logLevel: boltLevel(logger),
      deferInitialization: true,
      // Paperboy keeps no per-conversation state; skip Bolt's store lookups on every request.
      convoStore: false,
      clientOptions: clientOptions(),
      ...(mode === 'socket' ? { socketMode: true, appToken: config.appToken } : {}),
    });
    registerListeners(a, { paperboy, logger, botUserId: () => botUserId, seen, inflight });
    registerUninstallListeners(a, {
      logger: log,
      ...(installations ? { installations } : {}),
      ...(options.workspaces ? { workspaces: options.workspaces } : {}),
      ...(options.now ? { now: () => new Date(options.now!()) } : {}),
    });
    return { a, receiver, session };
  }

  /** OAuth mode: Bolt's installer, on Paperboy's stores, with Paperboy's pages. */
  function oauthOptions(): Partial<HTTPReceiverOptions> {
    const oauth = config.oauth;
    if (!oauth || !installations) return {};
    const now = () => (options.now ? new Date(options.now()) : new Date());
    const installed = options.workspaces?.installed;
    return {
      clientId: oauth.clientId,
      clientSecret: oauth.clientSecret,
      scopes: oauth.scopes,
      ...(oauth.redirectUri ? { redirectUri: oauth.redirectUri } : {}),
      installationStore: boltInstallationStore(installations, now, {
        ...(installed
          ? {
              installed: async (workspaceId: string) => {
                try {
                  await installed(workspaceId);
                } catch (err) {
                  log.error({ err: errInfo(err), team: workspaceId }, 'resuming the schedules and watches of a reinstalled workspace failed');
                }
              },
            }
          : {}),
      }),
      installerOptions: {
        installPath: INSTALL_PATH,
        redirectUriPath: redirectPath,
        stateStore: installStateStore(installations, oauth.stateSecret),
        stateCookieExpirationSeconds: STATE_TTL_MS / 1000,
        directInstall: false,
        renderHtmlForInstallPath: installPage,
        clientOptions: clientOptions(),
        callbackOptions: {
          success: (installation, _options, _req, res) => {
            log.info({ team: installation.team?.id, enterprise: installation.enterprise?.id }, 'installed in a workspace');
            res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
            res.end(installedPage(installation.team?.name ?? installation.enterprise?.name));
          },
          failure: (error, _options, _req, res) => {
            log.warn({ code: error.code, reason: scrubSecrets(error.message) }, 'install did not finish');
            const reason =
              error.code === 'slack_oauth_invalid_state' || error.code === 'slack_oauth_missing_state'
                ? `${error.message.startsWith('The install link') ? error.message : 'The install link is not valid here (it may have been opened in another browser).'}`
                : error.code === 'slack_oauth_authorization_error'
                  ? 'The install was cancelled in Slack.'
                  : 'Slack did not complete the install. Try again; if it keeps failing, tell whoever runs this Paperboy.';
            res.writeHead(error.code === 'slack_oauth_invalid_state' || error.code === 'slack_oauth_missing_state' ? 400 : 500, {
              'content-type': 'text/html; charset=utf-8',
            });
            res.end(installFailedPage(reason, INSTALL_PATH));
          },
        },
      },
    };
  }

  /**
   * OAuth mode: the bot token of a post's workspace (undefined in the one-workspace modes, where
   * the app's own client has it). Rejects with a `SlackDeliveryError` that is not retried when the
   * workspace is unknown or has no installation: the post waits for it to install again.
   */
  async function workspaceToken(workspaceId: string | undefined, channelId: string): Promise<string | undefined> {
    if (mode !== 'oauth' || !installations) return undefined;
    if (!workspaceId) {
      log.error({ channel: channelId }, 'scheduled post without a workspace: which token to use is unknown');
      throw new SlackDeliveryError(channelId, 'no_workspace', false);
    }
    const found = await installations.getInstallation({ teamId: workspaceId, enterpriseId: undefined, isEnterpriseInstall: false });
    const token = found?.bot?.token;
    if (!token) {
      log.warn({ channel: channelId, team: workspaceId }, 'scheduled post for a workspace without an installation');
      throw new SlackDeliveryError(channelId, 'not_installed', false);
    }
    return token;
  }

  return {
    name: 'slack',
    mode,
    get port() {
      return port;
    },
    get botUserId() {
      return botUserId;
    },

    async start() {
      if (state === 'running' || state === 'starting') return;
      if (state === 'stopped') throw new Error('the Slack adapter was stopped; create a new one');
      state = 'starting';
      const { a, receiver, session } = build();
      const where = apiUrl ?? DEFAULT_API_URL;
      try {
        // One workspace: its token is checked now, with a clear message when Slack refuses it. OAuth
        // mode has no token of its own: each request is authorised with its workspace's.
        if (mode !== 'oauth') {
          const auth = await a.client.auth.test();
          botUserId = typeof auth.user_id === 'string' ? auth.user_id : undefined;
        }
        await a.init();
      } catch (err) {
        state = 'new';
        throw startupError(err, 'auth.test', where);
      }
      try {
        if (receiver instanceof HTTPReceiver) {
          // Paperboy's own server checks each request before Bolt's receiver sees it (http-front.ts).
          const boltListener = receiver.requestListener;
          const forwardToBolt = (req: IncomingMessage, res: ServerResponse) => {
            try {
              boltListener(req, res);
            } catch (err) {
              log.error({ err: errInfo(err) }, 'slack request could not be dispatched');
              if (!res.headersSent) res.writeHead(500).end();
            }
          };
          front = createHttpFront({
            signingSecret: config.signingSecret ?? '',
            paths: HTTP_PATHS,
            logger: log,
            seen: seenSignatures,
            routes: {
              ...options.routes,
              // OAuth mode: the install page and Slack's redirect (GET, unsigned: Bolt's installer checks the state).
              ...(mode === 'oauth' ? { [INSTALL_PATH]: forwardToBolt, [redirectPath]: forwardToBolt } : {}),
            },
            ...(options.now ? { now: options.now } : {}),
            forward: forwardToBolt,
          });
          port = await front.listen(config.port, config.host);
        } else {
          await a.start();
        }
      } catch (err) {
        state = 'new';
        // Nothing of the failed app may keep running (a Socket Mode client would keep reconnecting).
        if (mode === 'socket') {
          await a.stop().catch(() => undefined);
          throw startupError(err, 'apps.connections.open', where);
        }
        await front?.close();
        front = undefined;
        const at = config.host ? `${config.host}:${config.port}` : `port ${config.port}`;
        throw new Error(`Slack HTTP mode could not listen on ${at}: ${deliveryFailureReason(err)}`);
      }
      app = a;
      state = 'running';
      session.quiet = false;
      log.info({ mode, port, ...(config.host ? { host: config.host } : {}), botUserId }, 'slack adapter running');
    },

    async stop() {
      if (state === 'stopped') return;
      const a = app;
      state = 'stopped';
      app = undefined;
      if (!a) return;
      try {
        // No new work (the port, or the socket, is closed), then the acknowledged work is answered.
        const closing = front ? front.close() : a.stop();
        const left = await inflight.drain(options.drainMs ?? DRAIN_MS);
        if (left > 0) log.warn({ left, drainMs: options.drainMs ?? DRAIN_MS }, 'stopped with acknowledged requests still unanswered');
        front?.server.closeAllConnections();
        await closing;
        log.info('slack adapter stopped');
      } catch (err) {
        log.warn({ err: errInfo(err) }, 'slack adapter did not stop cleanly');
      }
    },

    async post(target: PostTarget, reply: Reply) {
      if (!app || state !== 'running') throw new Error('the Slack adapter is not running');
      const channelId = target.channelId;
      const token = await workspaceToken(target.workspaceId, channelId);
      try {
        const posted = await app.client.chat.postMessage({
          ...(token ? { token } : {}),
          channel: channelId,
          ...renderSlack(reply),
          unfurl_links: false,
          unfurl_media: false,
        });
        // Posted to a user id (a personal watch), the message is in the DM channel Slack answers with:
        // thread replies and reactions there name that channel.
        const where = typeof posted.channel === 'string' && posted.channel !== '' ? posted.channel : channelId;
        // Replies in the post's thread (`@Paperboy show 2`) refer to what it showed.
        if (typeof posted.ts === 'string') await paperboy.rememberPost('slack', slackPostRef(where, posted.ts), reply);
        // Reactions on a post about one paper are votes for it.
        if (typeof posted.ts === 'string' && paperboy.wantsPost(reply))
          void paperboy.posted(
            { platform: 'slack', channelId: where, messageId: posted.ts, ...(target.workspaceId ? { workspaceId: target.workspaceId } : {}) },
            reply,
          );
      } catch (err) {
        const reason = deliveryFailureReason(err);
        const retryable = isRetryableSlackError(err);
        log.error({ channel: channelId, reason, retryable }, 'scheduled post failed');
        throw new SlackDeliveryError(channelId, reason, retryable);
      }
    },
  };
}
