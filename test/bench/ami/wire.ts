// What the stream builder and the stream server must agree on: the builder leaves the banner out of
// the recorded transcripts and cuts its buffer in the slices the server then writes.

/** Asterisk's greeting, once per connection (the server sends it; the builder strips it). */
export const BANNER = 'Asterisk Call Manager/11.0.0\r\n';
/** Slices the server writes; the client's socket still reads whatever the kernel has (64 KiB at most). */
export const WRITE_SLICE = 1 << 20;
