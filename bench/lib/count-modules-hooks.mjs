// Module loader hooks for bench/cli-startup.mjs: every module URL the ESM loader loads is posted to the main thread.
let port;

export function initialize(data) {
  port = data.port;
}

export async function load(url, context, nextLoad) {
  port.postMessage(url);
  return nextLoad(url, context);
}
