// image_copies: near copies of a real image for the near-duplicate e2e test
// (tests/e2e/test_near_duplicates.py), made with OpenCV as a person's tools would make them.
//   image_copies copies IMAGE OUTDIR   -> OUTDIR/half.jpg (resized 50%), big.jpg (150%),
//                                         q30.jpg (JPEG quality 30), crop.jpg (8% cut from the
//                                         left), color.jpg (hue rotated, tinted)
//   image_copies sideways IMAGE OUT.jpg -> IMAGE turned 90° counter-clockwise, as a camera held
//                                         sideways stores it (EXIF orientation 6 makes it upright)
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: image_copies copies IMAGE OUTDIR | sideways IMAGE OUT.jpg\n");
    return 2;
  }
  const std::string mode = argv[1], out = argv[3];
  const cv::Mat src = cv::imread(argv[2], cv::IMREAD_COLOR);
  if (src.empty()) {
    std::fprintf(stderr, "cannot read %s\n", argv[2]);
    return 1;
  }
  const std::vector<int> q90 = {cv::IMWRITE_JPEG_QUALITY, 90};
  if (mode == "sideways") {
    cv::Mat turned;
    cv::rotate(src, turned, cv::ROTATE_90_COUNTERCLOCKWISE);
    return cv::imwrite(out, turned, q90) ? 0 : 1;
  }
  if (mode != "copies") return 2;
  cv::Mat half, big, color, hsv;
  cv::resize(src, half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  cv::resize(src, big, cv::Size(), 1.5, 1.5, cv::INTER_LINEAR);
  const int cut = src.cols * 8 / 100;
  const cv::Mat crop = src(cv::Rect(cut, 0, src.cols - cut, src.rows)).clone();
  cv::cvtColor(src, hsv, cv::COLOR_BGR2HSV);
  std::vector<cv::Mat> ch;
  cv::split(hsv, ch);
  ch[0].forEach<unsigned char>([](unsigned char& v, const int*) { v = (v + 15) % 180; });
  cv::merge(ch, hsv);
  cv::cvtColor(hsv, color, cv::COLOR_HSV2BGR);
  color += cv::Scalar(15, 0, 0);
  bool ok = cv::imwrite(out + "/half.jpg", half, q90) && cv::imwrite(out + "/big.jpg", big, q90) &&
            cv::imwrite(out + "/q30.jpg", src, {cv::IMWRITE_JPEG_QUALITY, 30}) &&
            cv::imwrite(out + "/crop.jpg", crop, q90) && cv::imwrite(out + "/color.jpg", color, q90);
  return ok ? 0 : 1;
}
