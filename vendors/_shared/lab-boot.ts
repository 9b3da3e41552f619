/** Small helpers the vendors' lab boot flows share. */

/** at most this many files named by a boot or master file are fetched */
export const MAX_INCLUDES = 16;

/** a file name that carries the phone's MAC is its per-device file */
export const isMacIn = (name: string, mac: string): boolean => name.toLowerCase().includes(mac);
