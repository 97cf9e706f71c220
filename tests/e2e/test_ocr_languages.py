"""`ocr.lang=auto` through the real binary: each page is read with the model of the script
Tesseract's OSD sees on it. Pages rendered here from a system font (DejaVu Sans has Arabic and
Cyrillic; Pillow shapes Arabic with libraqm): an Arabic page is read with `ara` (installed by
build.sh), not as English; a Russian page, whose model (`rus`) build.sh does not install, is a
recorded reason on that page and is not read at all; a Latin page reads as with `eng`. A
run-wide model that is not installed stays a run-level failure (exit 3)."""

import os
import unittest

from PIL import Image, ImageDraw, ImageFont, features

from assay_e2e import (CORPORA, EXIT_INTERNAL, AssayTestCase, cer_text, export, query,
                       run_assay)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
EUROTEXT = os.path.join(CORPORA, "ocr_tesseract_testimages", "dev", "eurotext.tif")
# A German page set in Antiqua, upright and clean, on which OSD names "Thai" at 0.45.
ANTIQUA = os.path.join(CORPORA, "ocr_ocrd_pages", "dev", "462875_0008.jpg")
TESSDATA = [d for d in ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata")
            if os.path.isdir(d)]

ARABIC = [
    "اللغة العربية هي إحدى أكثر اللغات انتشارا في العالم",
    "ويتحدث بها أكثر من أربعمائة مليون إنسان في بلدان كثيرة",
    "تكتب العربية من اليمين إلى اليسار ولها ثمانية وعشرون حرفا",
    "كان الطقس جميلا في الصباح فخرج الأطفال إلى الحديقة",
    "يقرأ الطالب الكتاب في المكتبة كل يوم بعد المدرسة",
    "تعد القاهرة من أكبر المدن العربية ويمر فيها نهر النيل",
]
RUSSIAN = [
    "Русский язык является одним из самых распространённых",
    "языков мира. Утром дети пошли в школу, а вечером",
    "они читали книги дома. Москва является столицей",
    "России и крупнейшим городом страны. Летом погода",
    "была тёплой, и мы часто гуляли в парке у реки.",
]


def render(lines, path, rtl):
    """A 300-dpi page of 12-pt-ish text, and its ground truth beside it."""
    font = ImageFont.truetype(FONT, 42)
    img = Image.new("L", (2200, 120 + 90 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        if rtl:
            draw.text((2100, 60 + 90 * i), line, font=font, fill=0, anchor="ra",
                      direction="rtl", language="ar")
        else:
            draw.text((100, 60 + 90 * i), line, font=font, fill=0)
    img.save(path, dpi=(300, 300))
    with open(path + ".gt.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


def ocr_note(out, path):
    rows = query(out, "SELECT t.note FROM transformations t JOIN documents d USING(doc_id) "
                      "WHERE d.path=? AND t.stage='ocr' AND t.run_id=d.run_id", (path,))
    return rows[0]["note"]


class AutoLanguage(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not os.path.exists(FONT) or not features.check("raqm"):
            raise unittest.SkipTest("no DejaVu Sans or no libraqm: cannot render the pages")
        work = cls.temp_dir("lang-in")
        cls.arabic = render(ARABIC, os.path.join(work, "arabic.png"), rtl=True)
        cls.russian = render(RUSSIAN, os.path.join(work, "russian.png"), rtl=False)
        cls.out = cls.temp_dir("lang-auto")
        cls.result = run_assay(["run", cls.arabic, cls.russian, EUROTEXT, ANTIQUA, "--out",
                                cls.out, "-j", "2", "--set", "ocr.lang=auto"])
        cls.records = {r["source"]["path"]: r for r in export(cls.out)[0]}
        # The same pages with the default model, for comparison.
        cls.out_eng = cls.temp_dir("lang-eng")
        run_assay(["run", cls.arabic, EUROTEXT, "--out", cls.out_eng, "-j", "2"])
        cls.records_eng = {r["source"]["path"]: r for r in export(cls.out_eng)[0]}

    def test_the_run_is_not_an_error(self):
        self.assertIn(self.result.returncode, (0, 1), self.result.describe())
        for rec in self.records.values():
            self.assertIn(rec["outcome"], ("accepted", "rejected"), rec["source"]["path"])

    def test_an_arabic_page_is_read_with_the_arabic_model(self):
        self.assertIn("script Arabic, read with ara", ocr_note(self.out, self.arabic))
        auto = cer_text(self.records[self.arabic]["text"], self.arabic + ".gt.txt")
        eng = cer_text(self.records_eng[self.arabic]["text"], self.arabic + ".gt.txt")
        self.assertLess(auto, 0.05)
        self.assertGreater(eng, 0.5)  # what the English model makes of it

    def test_a_page_whose_script_has_no_installed_model_says_so_and_is_not_read(self):
        if any(os.path.exists(os.path.join(d, "rus.traineddata")) for d in TESSDATA):
            self.skipTest("rus.traineddata is installed here: the Russian page has a model")
        self.assertIn("script Cyrillic: its model rus is not installed (Debian package "
                      "tesseract-ocr-rus): not read", ocr_note(self.out, self.russian))
        rec = self.records[self.russian]
        self.assertEqual(rec["text"].strip(), "")  # not a silent English reading
        self.assertEqual(rec["outcome"], "rejected")
        rows = query(self.out, "SELECT m.name, m.scope, m.value FROM metrics m JOIN documents d "
                               "USING(doc_id) WHERE d.path=? AND m.name IN "
                               "('ocr.model_missing', 'ocr.pages_without_model')",
                     (self.russian,))
        self.assertEqual({(r["name"], r["scope"], r["value"]) for r in rows},
                         {("ocr.model_missing", "page:1", 1.0),
                          ("ocr.pages_without_model", "", 1.0)})

    def test_a_latin_page_reads_as_with_eng(self):
        self.assertIn("script Latin, read with eng", ocr_note(self.out, EUROTEXT))
        gt = EUROTEXT[:-len(".tif")] + ".gt.txt"
        self.assertAlmostEqual(cer_text(self.records[EUROTEXT]["text"], gt),
                               cer_text(self.records_eng[EUROTEXT]["text"], gt), places=4)

    def test_a_script_osd_is_unsure_of_is_read_as_latin(self):
        # Not refused for the Thai model it does not need: read with auto_latin (eng).
        note = ocr_note(self.out, ANTIQUA)
        self.assertIn("read with eng", note)
        self.assertNotIn("not read", note)
        gt = ANTIQUA[:-len(".jpg")] + ".gt.txt"
        self.assertLess(cer_text(self.records[ANTIQUA]["text"], gt), 0.05)

    def test_a_run_wide_model_that_is_not_installed_is_exit_3(self):
        for setting in (["ocr.lang=auto", "ocr.auto_latin=kor"], ["ocr.lang=kor"]):
            with self.subTest(setting=setting):
                out = self.temp_dir("lang-missing")
                args = ["run", EUROTEXT, "--out", out]
                for s in setting:
                    args += ["--set", s]
                r = run_assay(args)
                self.assertExit(r, EXIT_INTERNAL)
                self.assertIn("tesseract-ocr-kor", r.stderr + r.stdout)


if __name__ == "__main__":
    unittest.main()
