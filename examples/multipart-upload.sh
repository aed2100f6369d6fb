#!/usr/bin/env bash
# Sends a recording as raw bytes (multipart/form-data) instead of base64 inside JSON: a third less to upload.
# The form field "request" holds the usual JSON body; `"data":"@voice"` refers to the file part named "voice".
# Prints the gateway's JSON answer.
#
#   VOXGATE_API_KEY=sk-vg-… examples/multipart-upload.sh [recording.webm|.ogg|.wav|.mp3|…]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
recording="${1:-$here/assets/question.wav}"
url="${VOXGATE_URL:-http://127.0.0.1:8080}"
model="${VOXGATE_MODEL:-gpt-4o-audio-preview}"
: "${VOXGATE_API_KEY:?set VOXGATE_API_KEY to a Voxgate key (npx voxgate keys create …)}"

# "format":"auto": Voxgate tells wav, mp3, flac, Ogg/Opus and WebM/Opus apart from the bytes themselves.
request='{"model":"'"$model"'","modalities":["text"],"messages":[{"role":"user","content":[
  {"type":"input_audio","input_audio":{"data":"@voice","format":"auto"}}]}]}'

# --fail-with-body: on a 4xx/5xx, print the gateway's error JSON and exit non-zero.
curl --silent --show-error --fail-with-body "$url/v1/chat/completions" \
  -H "Authorization: Bearer $VOXGATE_API_KEY" \
  -F "request=$request" \
  -F "voice=@$recording"
echo
