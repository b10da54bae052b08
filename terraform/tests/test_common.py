"""Rules every Terraform folder follows: typed, described inputs and outputs; terraform fmt's
layout; checkov skips that name their check and say why."""

import re
import unittest

import fmtcheck
from hcl import TERRAFORM, Module, tf_dirs, tf_files


class EveryFolder(unittest.TestCase):
    def test_there_are_modules_for_both_clouds(self):
        dirs = {str(d.relative_to(TERRAFORM)) for d in tf_dirs()}
        self.assertIn("aws/modules/layerwatch", dirs)
        self.assertIn("aws/examples/basic", dirs)
        self.assertTrue(any(d.startswith("azure") for d in dirs), dirs)

    def test_every_variable_has_a_type_and_a_description(self):
        for d in tf_dirs():
            for name, body in Module(d).variables.items():
                with self.subTest(folder=str(d.relative_to(TERRAFORM)), variable=name):
                    self.assertIn("type", body)
                    self.assertGreater(len(body.get("description", "")), 10)

    def test_every_output_has_a_description(self):
        for d in tf_dirs():
            for name, body in Module(d).outputs.items():
                with self.subTest(folder=str(d.relative_to(TERRAFORM)), output=name):
                    self.assertGreater(len(body.get("description", "")), 10)

    def test_files_are_laid_out_as_terraform_fmt_writes_them(self):
        for f in tf_files():
            with self.subTest(file=str(f.relative_to(TERRAFORM))):
                self.assertEqual(fmtcheck.check(f.read_text(encoding="utf-8"), str(f.relative_to(TERRAFORM))), [])

    def test_each_checkov_skip_names_its_check_and_a_reason(self):
        skip = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(:(.*))?$")
        for f in tf_files():
            for no, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
                m = skip.search(line)
                if "checkov" in line.lower() and "skip" in line.lower():
                    with self.subTest(file=f.name, line=no):
                        self.assertIsNotNone(m, line)
                        self.assertRegex(m.group(1), r"^CKV2?_(AWS|AZURE)_\d+$", "one named check per skip")
                        self.assertGreater(len((m.group(3) or "").strip()), 20, "say why the check does not apply")
        # No blanket skips: no config file with a skip list.
        for cfg in TERRAFORM.rglob(".checkov.y*ml"):
            self.assertNotRegex(cfg.read_text(encoding="utf-8"), r"skip-check|soft-fail", str(cfg))


class FmtCheck(unittest.TestCase):
    """The layout checker on the cases hclwrite's formatter (format.go) spells out."""

    def test_misaligned_and_misindented_lines_are_reported(self):
        text = 'resource "a" "b" {\n  name = "x"\n  longer_name = 1\n   tags = {}\n}\n'
        problems = fmtcheck.check(text)
        self.assertTrue(any(":2:" in p and "column" in p for p in problems), problems)
        self.assertTrue(any(":4:" in p and "indented 3" in p for p in problems), problems)

    def test_multiline_values_break_the_alignment_run(self):
        text = (
            'resource "a" "b" {\n'
            "  name                       = 1\n"
            "  visibility_timeout_seconds = 2\n"
            "  policy = jsonencode({\n"
            "    a = 1\n"
            "  })\n"
            '  x = "${var.y["z"]}"\n'
            "}\n"
        )
        self.assertEqual(fmtcheck.check(text), [])

    def test_a_line_opening_two_brackets_indents_one_level(self):
        text = (
            "locals {\n"
            "  a = [{\n"
            '    type = "x"\n'
            "  }]\n"
            "  b = length(var.c) == 0 ? [\n"
            '    "d"\n'
            "    ] : [\n"
            '    "e"\n'
            "  ]\n"
            "}\n"
        )
        self.assertEqual(fmtcheck.check(text), [])
        self.assertTrue(fmtcheck.check(text.replace('    type = "x"', '      type = "x"')))

    def test_brackets_in_strings_and_comments_do_not_count(self):
        text = 'locals {\n  a = "{[("  # ({[\n  b = "${x["y"]}"\n}\n'
        self.assertEqual(fmtcheck.check(text), [])


if __name__ == "__main__":
    unittest.main()
