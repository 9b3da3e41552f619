/** Input hygiene for phone requests: file names and User-Agents are hostile until proven otherwise. */
export const MAX_USER_AGENT = 512;
export const MAX_FILE_NAME = 128;
const PLAIN_FILE_PATH = new RegExp(`^/[A-Za-z0-9._-]{1,${MAX_FILE_NAME}}$`);

/** Returns the requested file name (last path segment, decoded) or undefined when the path is malformed or hostile. */
export function fileNameFromUrl(rawUrl: string): string | undefined {
  // what phones send: one plain segment, nothing to decode, split or refuse; the full checks below give the same answer for it
  if (PLAIN_FILE_PATH.test(rawUrl)) return rawUrl === '/.' || rawUrl === '/..' ? undefined : rawUrl.slice(1);
  const path = rawUrl.split('?')[0] ?? '';
  if (path.length > 512) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (/[\\\u0000-\u001f\u007f]/.test(decoded)) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return undefined;
  const name = segments[segments.length - 1];
  if (!name || name.length > MAX_FILE_NAME || !/^[A-Za-z0-9._-]+$/.test(name)) return undefined;
  return name;
}

export function userAgentProblem(ua: string | undefined): string | undefined {
  if (ua === undefined || ua === '') return 'missing User-Agent';
  if (ua.length > MAX_USER_AGENT) return `User-Agent longer than ${MAX_USER_AGENT} characters`;
  if (/[\u0000-\u001f\u007f]/.test(ua)) return 'control characters in User-Agent';
  return undefined;
}
