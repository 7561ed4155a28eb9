/** The pack station's sounds (Web Audio): a short tick on a good scan, a low square-wave double beep on a wrong one. */
// ---- Sound: loud on a wrong scan, a short tick on a good one ----

let audio: AudioContext | undefined;
export function beep(kind: 'ok' | 'error'): void {
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    if (ctx.state === 'suspended') void ctx.resume();
    const tones =
      kind === 'ok'
        ? [{ f: 1320, at: 0, d: 0.07 }]
        : [
            { f: 220, at: 0, d: 0.22 },
            { f: 160, at: 0.27, d: 0.32 },
          ];
    for (const tone of tones) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = kind === 'ok' ? 'sine' : 'square';
      osc.frequency.value = tone.f;
      gain.gain.value = kind === 'ok' ? 0.15 : 0.35;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + tone.at);
      osc.stop(ctx.currentTime + tone.at + tone.d);
    }
  } catch {
    /* no audio device: the flash and the message still say it */
  }
}
