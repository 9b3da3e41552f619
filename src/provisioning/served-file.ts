/** A file as the phone server hands it out: its bytes, their hashes, and what the renderer reported. */
import type { RenderedFile } from '../model/vendor-contract.js';

export interface ServedFile {
  body: Buffer;
  etag: string;
  sha256: string;
  contentType: string;
  /** what the renderer reported, without a second copy of the body; one shared object per distinct report */
  rendered: Omit<RenderedFile, 'body'>;
}
