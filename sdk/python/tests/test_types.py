"""The committed wire types are what generate_types.py writes from the committed docs/openapi.json."""

import json
import pathlib
import unittest

import generate_types

HERE = pathlib.Path(__file__).resolve().parent.parent


class GeneratedTypesTest(unittest.TestCase):
    def test_the_committed_types_are_generated_from_the_committed_openapi_document(self):
        document = json.loads((HERE.parent.parent / "docs" / "openapi.json").read_text(encoding="utf-8"))
        committed = (HERE / "refract" / "_types.py").read_text(encoding="utf-8")
        self.assertEqual(
            generate_types.generate(document),
            committed,
            "refract/_types.py is stale: run sdk/openapi.sh update (or python3 generate_types.py)",
        )


if __name__ == "__main__":
    unittest.main()
