// 3x3 convolution of an h x w image (valid region; the border of out is left alone).
void conv2d(int h, int w, const float* img, const float* kernel, float* out) {
    for (int y = 1; y < h - 1; ++y)
        for (int x = 1; x < w - 1; ++x) {
            float s = 0.0f;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx)
                    s += kernel[(dy + 1) * 3 + (dx + 1)] * img[(y + dy) * w + (x + dx)];
            out[y * w + x] = s;
        }
}
