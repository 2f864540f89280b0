#!/usr/bin/env bash
# Regenerates the built-in announcement clips with espeak-ng's Indonesian voice.
#
# Every clip is one word (or the chime) as a 16 kHz, 16-bit, mono WAV with the silence
# trimmed off both ends, so the server can join them with pauses of its own choosing.
# A site replaces any of them with recordings of a real voice by dropping files of the
# same names into the folder given to `antre serve --clips DIR` (see docs/board.md).
#
# Needs: espeak-ng, sox.  Run from anywhere: display-board/clips/generate.sh
# (`sox -D`: no dither, so the same espeak-ng gives the same files.)
set -euo pipefail
cd "$(dirname "$0")"

# 16 kHz carries speech clearly and keeps the clips (and the binary) small.
RATE=16000
# Words per minute: a little slower than espeak's 175, as a hall announcer speaks.
SPEED=135

words=(
  # the phrase
  nomor antrian silakan menuju loket
  # where a counter is, said by the boards of other zones ("lantai dua, zona be")
  lantai zona
  # numbers (terbilang)
  nol satu dua tiga empat lima enam tujuh delapan sembilan
  sepuluh sebelas belas puluh seratus ratus seribu ribu
  # letters as Indonesians say them
  a be ce de e ef ge ha i je ka el em en o pe ki er es te u fe we eks ye zet
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for w in "${words[@]}"; do
  espeak-ng -v id -s "$SPEED" -w "$tmp/raw.wav" "$w"
  # Trim leading and trailing silence (below 0.5 % of full scale), normalise to -3 dB.
  sox -D "$tmp/raw.wav" -r "$RATE" -c 1 -b 16 "$w.wav" \
    silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse norm -3
done

# English, the optional second language (`[site] announce_english`): "en-" + the word.
words_en=(
  number please go to counter
  zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
  fifteen sixteen seventeen eighteen nineteen
  twenty thirty forty fifty sixty seventy eighty ninety hundred thousand
)
for w in "${words_en[@]}"; do
  espeak-ng -v en-us -s "$SPEED" -w "$tmp/raw.wav" "$w"
  sox -D "$tmp/raw.wav" -r "$RATE" -c 1 -b 16 "en-$w.wav" \
    silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse norm -3
done
# English letter names: espeak says a lone capital letter by its name ("bee").
for l in {A..Z}; do
  espeak-ng -v en-us -s "$SPEED" -w "$tmp/raw.wav" "$l"
  sox -D "$tmp/raw.wav" -r "$RATE" -c 1 -b 16 "en-${l,,}.wav" \
    silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse norm -3
done

# The chime: a two-tone "ding-dong" (G5 then C5) that fades out, like a station gong.
sox -D -n -r "$RATE" -c 1 -b 16 "$tmp/ding.wav" synth 0.45 sine 784 fade q 0.01 0.45 0.4
sox -D -n -r "$RATE" -c 1 -b 16 "$tmp/dong.wav" synth 0.8 sine 523 fade q 0.01 0.8 0.75
sox -D "$tmp/ding.wav" "$tmp/dong.wav" chime.wav norm -6

echo "generated $(( ${#words[@]} + ${#words_en[@]} + 26 + 1 )) clips in $(pwd)"
