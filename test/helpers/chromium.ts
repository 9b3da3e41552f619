/** Debian's chromium, headless, as every browser test launches it (playwright-core; no sandbox, nothing phoned home). */
import { chromium, type Browser } from 'playwright-core';

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
