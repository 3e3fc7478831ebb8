// dlib-oracle: runs dlib's own HOG face detector and 68-point shape predictor and writes what they produce,
// so that InfantCry's managed port can be checked against the real dlib on identical pixels.
//
//   dlib-oracle faces --model M.dat --out DIR [--upsample N] IMAGE...
//       For each image: the RGB pixels dlib decoded (DIR/faces/<name>.rgb, tightly packed, row after row),
//       dlib's frontal_face_detector boxes with scores, and for each box dlib's shape predictor output:
//       the integer points dlib returns and the sub-pixel points they were rounded from, and the leaf index
//       chosen in every regression tree (DIR/faces/<name>.<k>.leaves). Everything is indexed by DIR/faces.json
//       (schema in tools/dlib-oracle/README.md).
//   dlib-oracle time --model M.dat [--upsample N] [--iterations N] IMAGE...
//       Detects faces once, then times N predictions per face single-threaded; prints one JSON object with the
//       wall-clock and the thread-CPU milliseconds per face.
//
// Built by scripts/setup.d/30-dlib-oracle.sh against Debian's libdlib-dev (pkg-config dlib-1).
#include <dlib/image_io.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/revision.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace
{
struct options
{
    std::string mode;
    std::string model;
    std::string out;
    unsigned upsample = 1;
    long iterations = 200;
    std::vector<std::string> images;
};

[[noreturn]] void usage(const std::string& why)
{
    std::cerr << "dlib-oracle: " << why << "\n"
              << "usage: dlib-oracle faces --model M.dat --out DIR [--upsample N] IMAGE...\n"
              << "       dlib-oracle time  --model M.dat [--upsample N] [--iterations N] IMAGE...\n";
    std::exit(2);
}

options parse(int argc, char** argv)
{
    if (argc < 2) usage("missing mode");
    options o;
    o.mode = argv[1];
    if (o.mode != "faces" && o.mode != "time") usage("unknown mode '" + o.mode + "'");
    for (int i = 2; i < argc; ++i)
    {
        std::string a = argv[i];
        auto value = [&]() -> std::string { if (i + 1 >= argc) usage(a + " needs a value"); return argv[++i]; };
        if (a == "--model") o.model = value();
        else if (a == "--out") o.out = value();
        else if (a == "--upsample") o.upsample = static_cast<unsigned>(std::stoul(value()));
        else if (a == "--iterations") o.iterations = std::stol(value());
        else if (a.rfind("--", 0) == 0) usage("unknown option '" + a + "'");
        else o.images.push_back(a);
    }
    if (o.model.empty()) usage("--model is required");
    if (o.mode == "faces" && o.out.empty()) usage("--out is required in faces mode");
    if (o.images.empty()) usage("no images given");
    if (o.iterations < 1) usage("--iterations must be at least 1");
    return o;
}

std::string base_name(const std::string& path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// dlib's frontal face detector as dlib's Python binding runs it with an upsampling count: detect on the
// image doubled N times (pyramid_up), then map the boxes back with pyramid_down<2>::rect_down.
std::vector<dlib::rect_detection> detect(dlib::frontal_face_detector& detector,
                                         const dlib::array2d<dlib::rgb_pixel>& img, unsigned upsample)
{
    std::vector<dlib::rect_detection> dets;
    if (upsample == 0)
    {
        detector(img, dets);
        return dets;
    }
    dlib::array2d<dlib::rgb_pixel> up;
    dlib::assign_image(up, img);
    dlib::pyramid_down<2> pyr;
    for (unsigned i = 0; i < upsample; ++i) dlib::pyramid_up(up, pyr);
    detector(up, dets);
    for (auto& d : dets) d.rect = pyr.rect_down(d.rect, upsample);
    return dets;
}

// The model's initial shape and forests, read with dlib's own deserializers (the same layout
// shape_predictor::deserialize reads), to turn the leaf indices dlib chose back into dlib's sub-pixel shape.
struct model_parts
{
    dlib::matrix<float, 0, 1> initial_shape;
    std::vector<std::vector<dlib::impl::regression_tree>> forests;
};

model_parts read_model_parts(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    int version = 0;
    model_parts m;
    dlib::deserialize(version, in);
    if (version != 1) throw std::runtime_error("unexpected shape_predictor version");
    dlib::deserialize(m.initial_shape, in);
    dlib::deserialize(m.forests, in);
    return m;
}

void write_double(std::ostream& os, double v)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    os << buf;
}

int run_faces(const options& o)
{
    dlib::shape_predictor sp;
    dlib::deserialize(o.model) >> sp;
    const model_parts parts = read_model_parts(o.model);
    dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();

    const std::string face_dir = o.out + "/faces";
    if (std::system(("mkdir -p '" + face_dir + "'").c_str()) != 0) throw std::runtime_error("cannot create " + face_dir);

    std::ostringstream js;
    js << "{\n  \"schema\": \"infantcry-dlib-oracle/1\",\n"
       << "  \"dlib_version\": \"" << DLIB_MAJOR_VERSION << "." << DLIB_MINOR_VERSION << "." << DLIB_PATCH_VERSION << "\",\n"
       << "  \"model\": \"" << o.model << "\",\n"
       << "  \"upsample\": " << o.upsample << ",\n"
       << "  \"images\": [";
    long mismatches = 0;
    for (size_t n = 0; n < o.images.size(); ++n)
    {
        const std::string name = base_name(o.images[n]);
        dlib::array2d<dlib::rgb_pixel> img;
        dlib::load_image(img, o.images[n]);
        const long w = img.nc(), h = img.nr();
        {
            std::ofstream raw(face_dir + "/" + name + ".rgb", std::ios::binary);
            for (long y = 0; y < h; ++y)
                for (long x = 0; x < w; ++x)
                {
                    const dlib::rgb_pixel p = img[y][x];
                    const char rgb[3] = {static_cast<char>(p.red), static_cast<char>(p.green), static_cast<char>(p.blue)};
                    raw.write(rgb, 3);
                }
            if (!raw) throw std::runtime_error("cannot write pixels of " + name);
        }

        const std::vector<dlib::rect_detection> dets = detect(detector, img, o.upsample);
        js << (n ? "," : "") << "\n    {\"name\": \"" << name << "\", \"width\": " << w << ", \"height\": " << h
           << ", \"pixels\": \"faces/" << name << ".rgb\", \"faces\": [";
        for (size_t k = 0; k < dets.size(); ++k)
        {
            const dlib::rectangle r = dets[k].rect;
            std::vector<std::pair<unsigned long, int>> feats;
            const dlib::full_object_detection shape = sp(img, r, feats);

            // Rebuild dlib's float shape from the chosen leaves, in dlib's order (initial shape, then the
            // trees cascade by cascade), and map it to the image with dlib's own unnormalizing transform.
            dlib::matrix<float, 0, 1> current = parts.initial_shape;
            std::vector<unsigned long> leaves;
            size_t f = 0;
            unsigned long offset = 0;
            for (const auto& forest : parts.forests)
                for (const auto& tree : forest)
                {
                    const unsigned long leaf = feats.at(f++).first - offset;
                    offset += tree.num_leaves();
                    current += tree.leaf_values.at(leaf);
                    leaves.push_back(leaf);
                }
            const dlib::point_transform_affine to_img = dlib::impl::unnormalizing_tform(r);

            const std::string leaf_file = name + "." + std::to_string(k) + ".leaves";
            {
                std::ofstream lf(face_dir + "/" + leaf_file);
                for (size_t i = 0; i < leaves.size(); ++i) lf << leaves[i] << (i + 1 == leaves.size() ? "\n" : " ");
            }

            js << (k ? "," : "") << "\n      {\"left\": " << r.left() << ", \"top\": " << r.top()
               << ", \"right\": " << r.right() << ", \"bottom\": " << r.bottom() << ", \"score\": ";
            write_double(js, dets[k].detection_confidence);
            js << ", \"weight_index\": " << dets[k].weight_index << ", \"leaves\": \"faces/" << leaf_file << "\",\n       \"points\": [";
            for (unsigned long i = 0; i < shape.num_parts(); ++i)
                js << (i ? ", " : "") << "[" << shape.part(i).x() << ", " << shape.part(i).y() << "]";
            js << "],\n       \"points_subpixel\": [";
            for (unsigned long i = 0; i < shape.num_parts(); ++i)
            {
                const dlib::vector<double, 2> p = to_img(dlib::impl::location(current, i));
                js << (i ? ", " : "") << "[";
                write_double(js, p.x());
                js << ", ";
                write_double(js, p.y());
                js << "]";
                if (dlib::point(p) != shape.part(i)) ++mismatches;
            }
            js << "]}";
        }
        js << (dets.empty() ? "]}" : "\n    ]}");
    }
    js << "\n  ]\n}\n";
    if (mismatches != 0)
    {
        std::cerr << "dlib-oracle: " << mismatches << " rebuilt sub-pixel points do not round to dlib's points\n";
        return 1;
    }
    std::ofstream out(o.out + "/faces.json");
    out << js.str();
    if (!out) throw std::runtime_error("cannot write faces.json");
    return 0;
}

int run_time(const options& o)
{
    dlib::shape_predictor sp;
    dlib::deserialize(o.model) >> sp;
    dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
    std::vector<dlib::array2d<dlib::rgb_pixel>> imgs(o.images.size());
    std::vector<std::pair<size_t, dlib::rectangle>> faces;
    for (size_t n = 0; n < o.images.size(); ++n)
    {
        dlib::load_image(imgs[n], o.images[n]);
        for (const auto& d : detect(detector, imgs[n], o.upsample)) faces.emplace_back(n, d.rect);
    }
    if (faces.empty()) throw std::runtime_error("no face found in the images given");

    long checksum = 0;
    for (const auto& f : faces) checksum += sp(imgs[f.first], f.second).part(0).x();  // warm-up
    auto thread_cpu_ms = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
    };
    const double cpu_start = thread_cpu_ms();
    const auto start = std::chrono::steady_clock::now();
    for (long it = 0; it < o.iterations; ++it)
        for (const auto& f : faces) checksum += sp(imgs[f.first], f.second).part(30).x();
    const auto stop = std::chrono::steady_clock::now();
    const double cpu_ms = thread_cpu_ms() - cpu_start;
    const double ms = std::chrono::duration<double, std::milli>(stop - start).count();
    const double n = static_cast<double>(o.iterations) * faces.size();
    std::cout << "{\"faces\": " << faces.size() << ", \"iterations\": " << o.iterations
              << ", \"ms_per_face\": " << ms / n << ", \"cpu_ms_per_face\": " << cpu_ms / n
              << ", \"checksum\": " << checksum << "}\n";
    return 0;
}
}  // namespace

int main(int argc, char** argv)
{
    try
    {
        const options o = parse(argc, argv);
        return o.mode == "faces" ? run_faces(o) : run_time(o);
    }
    catch (const std::exception& e)
    {
        std::cerr << "dlib-oracle: " << e.what() << "\n";
        return 1;
    }
}
