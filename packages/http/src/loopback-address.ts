/** 127.0.0.0/8, ::1, and IPv4 loopback as Node writes it on a dual-stack socket (::ffff:127.x.y.z). */
export const isLoopbackAddress = (ip: string): boolean =>
  ip === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(ip);
