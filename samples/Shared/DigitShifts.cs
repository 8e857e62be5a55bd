using StaticNet;

namespace Samples;

/// <summary>Data augmentation for the 8×8 digits: every image moved by a random −1, 0 or +1 pixel along each axis.</summary>
public static class DigitShifts
{
    /// <summary>A <see cref="BatchAugmenter"/>: shifts each 64-pixel row of the batch in place; blank pixels come in at the edges.</summary>
    public static void Augment(Span<float> features, int featureCount, Rng random)
    {
        if (featureCount != 64) throw new ArgumentException($"Expected 8×8 images (64 features), got {featureCount}.", nameof(featureCount));
        Span<float> image = stackalloc float[64];
        for (int first = 0; first < features.Length; first += 64)
        {
            Span<float> pixels = features.Slice(first, 64);
            pixels.CopyTo(image);
            int dx = random.NextInt(3) - 1, dy = random.NextInt(3) - 1;
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++)
                {
                    int sy = y - dy, sx = x - dx;
                    pixels[y * 8 + x] = (uint)sy < 8 && (uint)sx < 8 ? image[sy * 8 + sx] : 0;
                }
        }
    }
}
