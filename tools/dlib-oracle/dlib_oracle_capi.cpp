// libdlib_oracle.so: a minimal C interface to dlib's shape predictor so that the benchmark
// (benchmarks/InfantCry.Benchmarks/Landmarks) times dlib's C++ and our managed port in the same process run.
// Built by scripts/setup.d/30-dlib-oracle.sh next to dlib-oracle.
#include <dlib/image_processing.h>

#include <cstdint>
#include <exception>

namespace
{
struct rgb_image
{
    dlib::array2d<dlib::rgb_pixel> pixels;
};
}  // namespace

extern "C" {

// Loads a serialized shape predictor; null on failure.
void* dlib_oracle_load_predictor(const char* path)
{
    try
    {
        auto* sp = new dlib::shape_predictor();
        dlib::deserialize(path) >> *sp;
        return sp;
    }
    catch (const std::exception&)
    {
        return nullptr;
    }
}

void dlib_oracle_free_predictor(void* predictor) { delete static_cast<dlib::shape_predictor*>(predictor); }

// Copies tightly packed RGB bytes into a dlib image; null on failure.
void* dlib_oracle_image_from_rgb(const std::uint8_t* rgb, long width, long height)
{
    try
    {
        auto* img = new rgb_image();
        img->pixels.set_size(height, width);
        for (long y = 0; y < height; ++y)
            for (long x = 0; x < width; ++x)
            {
                const std::uint8_t* p = rgb + 3 * (y * width + x);
                img->pixels[y][x] = dlib::rgb_pixel(p[0], p[1], p[2]);
            }
        return img;
    }
    catch (const std::exception&)
    {
        return nullptr;
    }
}

void dlib_oracle_free_image(void* image) { delete static_cast<rgb_image*>(image); }

// Runs the predictor on a dlib rectangle (right and bottom inclusive); writes 2 * parts integers (x, y, ...).
// Returns the number of parts written, or -1 when xy holds fewer than 2 * parts values.
long dlib_oracle_predict(const void* predictor, const void* image, long left, long top, long right, long bottom,
                         std::int32_t* xy, long capacity)
{
    const auto& sp = *static_cast<const dlib::shape_predictor*>(predictor);
    const auto& img = static_cast<const rgb_image*>(image)->pixels;
    const dlib::full_object_detection shape = sp(img, dlib::rectangle(left, top, right, bottom));
    const long parts = static_cast<long>(shape.num_parts());
    if (capacity < 2 * parts) return -1;
    for (long i = 0; i < parts; ++i)
    {
        xy[2 * i] = static_cast<std::int32_t>(shape.part(i).x());
        xy[2 * i + 1] = static_cast<std::int32_t>(shape.part(i).y());
    }
    return parts;
}
}
