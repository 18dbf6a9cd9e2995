import { makeWebm } from '@herald/testkit';
import { describe, expect, it } from 'vitest';
import { webmIsAudioOnly, webmTrackTypes } from './webm-tracks.js';

describe('webmIsAudioOnly', () => {
  it('reads the track types from the header, under a segment of unknown size', () => {
    expect(webmTrackTypes(makeWebm('audio'))).toEqual([2]);
    expect(webmTrackTypes(makeWebm('video'))).toEqual([1]);
  });

  it('is true only for tracks without video, and false when no track header is seen', () => {
    expect(webmIsAudioOnly(makeWebm('audio'))).toBe(true);
    expect(webmIsAudioOnly(makeWebm('video'))).toBe(false);
    expect(webmIsAudioOnly(makeWebm('audio').subarray(0, 30))).toBe(false);
    expect(webmIsAudioOnly(new Uint8Array([0, 1, 2]))).toBe(false);
  });
});
