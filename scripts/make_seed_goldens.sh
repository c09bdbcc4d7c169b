#!/usr/bin/env bash
# Regenerates the named regression cases under golden/ops/ from the shapes discussed in the
# seed pull requests (ExecuTorch Cortex-M conv1d lowering and depthwise operator).
# Expected outputs come from the reference (conformance write), never from the kernels.
#
#   scripts/make_seed_goldens.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tool=${1:-$root/build}/tools/conformance
out=$root/golden/ops
mkdir -p "$out"

seed=100
w() {  # w NAME TAGS DESCRIPTION ARGS...
  local name=$1 tags=$2 description=$3
  shift 3
  seed=$((seed + 10))
  "$tool" write --out "$out/$name.json" --name "$name" --tags "seed-regression,$tags" \
    --description "$description" --seed "$seed" --input-offset 7 --output-offset -3 "$@"
}

# conv2d, from the depthwise PR's fallback cases and the conv1d PR's unit tests
w conv2d_2to4_k3 conv2d "conv2d 2->4, 3x3 kernel" \
  --in-channels 2 --out-channels 4 --input 6x6 --kernel 3x3 --padding 1,1,1,1 --bias
w conv2d_stride_1x2_kernel_1x2_batch3 conv2d "stride (1,2), kernel (1,2), batch 3" \
  --batch 3 --in-channels 3 --out-channels 5 --input 5x8 --kernel 1x2 --stride 1x2 --bias
w conv2d_padding_4x1 conv2d "padding (4,1): rows of padding-only outputs (bias only)" \
  --in-channels 2 --out-channels 3 --input 5x6 --kernel 3x3 --padding 4,4,1,1 --bias
w conv2d_dilation2_one_input_channel_batch3 conv2d "dilation 2, one input channel, batch 3 (depthwise at batch > 1 falls back to conv)" \
  --batch 3 --in-channels 1 --out-channels 4 --input 8x8 --kernel 3x3 --dilation 2x2 --bias
w conv2d_groups2_bias conv2d "groups 2 with bias" \
  --in-channels 4 --out-channels 6 --groups 2 --input 6x5 --kernel 3x3 --padding 1,1,1,1 --bias
w conv2d_groups2_no_bias conv2d "groups 2 with a NULL bias" \
  --in-channels 4 --out-channels 6 --groups 2 --input 6x5 --kernel 3x3 --padding 1,1,1,1
w conv2d_5to1_bias conv2d "5->1 with bias" \
  --in-channels 5 --out-channels 1 --input 7x7 --kernel 3x3 --bias
w conv2d_5to4_bias conv2d "5->4 with bias" \
  --in-channels 5 --out-channels 4 --input 7x7 --kernel 3x3 --bias --activation relu

# depthwise, from the depthwise operator PR
w depthwise_3to6_mult2 depthwise "depthwise 3->6, depth multiplier 2" \
  --op depthwise_conv2d --in-channels 3 --depth-multiplier 2 --input 6x6 --kernel 3x3 --padding 1,1,1,1 --bias
w depthwise_2to8_mult4 depthwise "depthwise 2->8, depth multiplier 4" \
  --op depthwise_conv2d --in-channels 2 --depth-multiplier 4 --input 6x6 --kernel 3x3 --bias
w depthwise_4to8_kernel1x1 depthwise "depthwise 4->8 with a 1x1 kernel" \
  --op depthwise_conv2d --in-channels 4 --depth-multiplier 2 --input 5x5 --kernel 1x1 --bias
w depthwise_kernel_1x3 depthwise "asymmetric kernel (1,3)" \
  --op depthwise_conv2d --in-channels 4 --input 6x7 --kernel 1x3 --padding 0,0,1,1 --bias
w depthwise_stride_2x1_padding_1x0 depthwise "asymmetric stride (2,1) with padding (1,0)" \
  --op depthwise_conv2d --in-channels 4 --input 7x6 --kernel 3x3 --stride 2x1 --padding 1,1,0,0 --bias
w depthwise_5x5_padding2 depthwise "5x5 kernel with padding 2" \
  --op depthwise_conv2d --in-channels 3 --input 7x7 --kernel 5x5 --padding 2,2,2,2 --bias --activation relu6
w depthwise_1x1_input_padding1 depthwise "1x1 spatial input with padding 1: one real tap per output" \
  --op depthwise_conv2d --in-channels 4 --input 1x1 --kernel 3x3 --padding 1,1,1,1 --bias
w depthwise_single_channel_mult3 depthwise "single input channel with multiplier 3" \
  --op depthwise_conv2d --in-channels 1 --depth-multiplier 3 --input 6x6 --kernel 3x3 --padding 1,1,1,1 --bias

# conv1d in the lowered layout (N, C, L, 1) as NHWC, from the conv1d lowering PR
w conv1d_2to4_k1 conv1d "conv1d 2->4, kernel 1" \
  --in-channels 2 --out-channels 4 --input 16x1 --kernel 1x1 --bias
w conv1d_4to8_k3_p1 conv1d "conv1d 4->8, kernel 3, padding 1" \
  --in-channels 4 --out-channels 8 --input 16x1 --kernel 3x1 --padding 1,1,0,0
w conv1d_stride2 conv1d "conv1d stride 2" \
  --in-channels 4 --out-channels 8 --input 17x1 --kernel 3x1 --stride 2x1 --padding 1,1,0,0
w conv1d_bias conv1d "conv1d with bias" \
  --in-channels 4 --out-channels 8 --input 16x1 --kernel 3x1 --padding 1,1,0,0 --bias --activation relu
w conv1d_pointwise_8to4 conv1d "conv1d pointwise 8->4" \
  --in-channels 8 --out-channels 4 --input 16x1 --kernel 1x1 --bias
w conv1d_stft_1to16_k16_s8 conv1d,depthwise "STFT layer: 1->16, kernel 16, stride 8, length 64 (in == groups == 1)" \
  --op depthwise_conv2d --in-channels 1 --depth-multiplier 16 --input 64x1 --kernel 16x1 --stride 8x1 --bias
w conv1d_depthwise_4to4_k3_p1 conv1d,depthwise "depthwise conv1d 4->4, kernel 3, padding 1" \
  --op depthwise_conv2d --in-channels 4 --input 16x1 --kernel 3x1 --padding 1,1,0,0 --bias

# larger cases stored as seed recipes with an output checksum
w depthwise_3x3_64ch_20x20_recipe depthwise,recipe "S7-sized depthwise, tensors as recipes" \
  --op depthwise_conv2d --in-channels 64 --input 20x20 --kernel 3x3 --padding 1,1,1,1 --bias --recipes
w conv2d_3x3_s2_16to24_recipe conv2d,recipe "S5-like strided conv, tensors as recipes, single rounding" \
  --in-channels 16 --out-channels 24 --input 20x20 --kernel 3x3 --stride 2x2 --padding 1,1,1,1 --bias --recipes \
  --rounding single

# arguments the kernels must refuse
neg() {  # neg NAME STATUS DESCRIPTION ARGS...
  local name=$1 status=$2 description=$3
  shift 3
  "$tool" write --out "$root/golden/negative/$name.json" --name "$name" --tags negative \
    --description "$description" --refuse "$status" "$@"
}
mkdir -p "$root/golden/negative"
neg stride_zero bad_stride "stride 0" --in-channels 2 --out-channels 2 --input 5x5 --kernel 3x3 --stride 0x1 --output 3x3
neg groups_not_dividing bad_groups "3 input channels in 2 groups" \
  --in-channels 3 --out-channels 4 --groups 2 --input 5x5 --kernel 3x3
neg output_needs_negative_padding bad_output_dims "an output one row smaller than zero bottom padding gives" \
  --in-channels 2 --out-channels 2 --input 6x6 --kernel 3x3 --output 3x4
neg activation_range_inverted bad_activation_range "activation min above max" \
  --in-channels 2 --out-channels 2 --input 4x4 --kernel 3x3 --activation-range 10,-10
neg depthwise_channels_disagree bad_depth_multiplier "6 filter channels for 3 input channels with multiplier 1" \
  --op depthwise_conv2d --in-channels 3 --depth-multiplier 1 --out-channels 6 --input 5x5 --kernel 3x3
