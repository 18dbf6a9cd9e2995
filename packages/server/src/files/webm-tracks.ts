/**
 * webmIsAudioOnly: whether a WebM (Matroska) file holds audio tracks and no video track, read
 * from the track headers at its start. file-type calls every WebM `video/webm`; browsers record
 * voice notes as audio-only WebM, which must count as audio.
 * The walk is flat: it enters Segment, Tracks and TrackEntry, skips every other element by its
 * size, and stops at the first Cluster (media data), at an unknown size, or at the end of the bytes.
 */

const SEGMENT = 0x18538067;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const TRACK_TYPE = 0x83;
const CLUSTER = 0x1f43b675;
const ENTER = new Set([SEGMENT, TRACKS, TRACK_ENTRY]);
const VIDEO = 1;

interface Vint {
  value: number;
  length: number;
  unknown: boolean;
}

/** An EBML variable-length integer at `pos`; `keepMarker` for element ids. */
function readVint(bytes: Uint8Array, pos: number, keepMarker: boolean): Vint | undefined {
  const first = bytes[pos];
  if (first === undefined || first === 0) return undefined;
  let length = 1;
  while (!(first & (0x80 >> (length - 1)))) length++;
  if (pos + length > bytes.length) return undefined;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = bytes[pos + i] ?? 0;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

/** The TrackType of every track described in `head` (1 video, 2 audio, …). */
export function webmTrackTypes(head: Uint8Array): number[] {
  const types: number[] = [];
  let pos = 0;
  while (pos < head.length) {
    const id = readVint(head, pos, true);
    const size = id && readVint(head, pos + id.length, false);
    if (!id || !size || id.value === CLUSTER) break;
    const body = pos + id.length + size.length;
    if (ENTER.has(id.value)) {
      pos = body;
      continue;
    }
    if (size.unknown) break;
    if (id.value === TRACK_TYPE && size.value <= 8 && body + size.value <= head.length) {
      let type = 0;
      for (let i = 0; i < size.value; i++) type = type * 256 + (head[body + i] ?? 0);
      types.push(type);
    }
    pos = body + size.value;
  }
  return types;
}

/** True when the WebM head describes at least one track and none of them is video. */
export function webmIsAudioOnly(head: Uint8Array): boolean {
  const types = webmTrackTypes(head);
  return types.length > 0 && !types.includes(VIDEO);
}
