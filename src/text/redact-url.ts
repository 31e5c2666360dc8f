/** `scheme://user:password@` at the start of a URL (the user info a base URL may carry). */
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"<>]*@/gi;

/**
 * `text` with the user name and password of every URL in it replaced by `[redacted]`
 * (`http://[redacted]@proxy:8080/api/`): for anything logged or shown that may contain a
 * configured URL. Pure.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(USER_INFO, '$1[redacted]@');
}
