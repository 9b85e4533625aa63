// The offer's ring, played by the page itself (Web Audio): no sound file to fetch.
const sound = {
  context: null as AudioContext | null,
  master: null as GainNode | null,
  ringTimer: 0 as ReturnType<typeof setInterval> | 0,
};

/**
 * Browsers keep audio muted until the person interacts with the page, so the context is created or
 * resumed from the first click or key press (the sign-in click counts). `onChange` runs when the
 * audio starts or stops, so the page can show or hide its "sound is off" hint.
 */
export function unlockAudio(onChange: () => void) {
  if (!sound.context) {
    sound.context = new AudioContext();
    sound.context.addEventListener('statechange', onChange);
  }
  if (sound.context.state === 'suspended') sound.context.resume().catch(() => {});
}

export const audioRunning = () => sound.context?.state === 'running';

/** One ring: two alternating tones twice, like a desk phone, then silence until the next ring. */
function ringOnce(context: AudioContext, master: GainNode) {
  const start = context.currentTime + 0.02;
  const tones = [880, 660, 880, 660];
  tones.forEach((frequency, index) => {
    const at = start + index * 0.22;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'triangle';
    oscillator.frequency.value = frequency;
    // Short ramps avoid clicks at the edges of each tone.
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(0.35, at + 0.02);
    gain.gain.setValueAtTime(0.35, at + 0.18);
    gain.gain.linearRampToValueAtTime(0, at + 0.2);
    oscillator.connect(gain).connect(master);
    oscillator.start(at);
    oscillator.stop(at + 0.21);
  });
}

export function startRinging() {
  const context = sound.context;
  if (sound.ringTimer || !context || !audioRunning()) return;
  const master = context.createGain();
  master.gain.value = 0.5;
  master.connect(context.destination);
  sound.master = master;
  ringOnce(context, master);
  sound.ringTimer = setInterval(() => ringOnce(context, master), 2500);
}

export function stopRinging() {
  if (!sound.ringTimer) return;
  clearInterval(sound.ringTimer);
  sound.ringTimer = 0;
  // Disconnecting the master silences tones already scheduled for the current ring.
  sound.master?.disconnect();
  sound.master = null;
}
