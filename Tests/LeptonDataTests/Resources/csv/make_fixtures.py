#!/usr/bin/env python3
"""Writes CSV reader/writer fixtures and expected.json (run from this folder: python3 make_fixtures.py).

The truth is Python's csv module (reader with newline='', writer with QUOTE_MINIMAL and lineterminator '\\n'),
not the Swift code. Empty rows (blank lines) are dropped, as the Swift reader skips them by default.
"""
import csv
import io
import json


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


def python_records(data, delimiter=","):
    """(fields, row, start line) for every non-blank record, as Python's csv module splits them."""
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out, previous_line, row = [], 0, 0
    for fields in reader:
        start = previous_line + 1
        previous_line = reader.line_num
        if fields == []:
            continue
        row += 1
        out.append({"fields": fields, "row": row, "line": start})
    return out


tricky = (
    "\ufeffid,text,amount\r\n"
    "1,plain,10\r\n"
    '2,"quoted, with comma",20\n'
    '3,"he said ""hi""",30\n'
    '4,"two\nlines",40\r\n'
    '5,"crlf\r\ninside",50\n'
    "\n"
    "6,,60\n"
    '7,"",70\r'
    "8,caf\u00e9 \u4e2d\u6587 \U0001F600,80\n"
    '9,mid"quote,90\n'
    "\r\n"
    "10,last,100\n"
).encode()
write("tricky.csv", tricky)
semicolon = b'a;b;c\n1;"x;y";3\n4;5;6'  # no header, no final line break
write("semicolon_no_header.csv", semicolon)

writer_records = [
    ["name", "note", "value"],
    ["plain", "no quotes needed", "1.5"],
    ["comma", "a, b", "2"],
    ["quote", 'say "hello"', "3"],
    ["newline", "line1\nline2", "4"],
    ["crlf", "x\r\ny", "5"],
    ["empty", "", ""],
    ["unicode", "\u00fcber \u00e9t\u00e9", "6"],
]
buffer = io.StringIO(newline="")
writer = csv.writer(buffer, lineterminator="\n")
for record in writer_records + [[""]]:
    writer.writerow(record)
write("writer_expected.csv", buffer.getvalue().encode())

# Malformed files: each with where the reader must report the problem.
errors = []
ragged = b"a,b,c\n1,2,3\n4,5\n6,7,8\n"
write("ragged.csv", ragged)
rows = python_records(ragged)
bad = next(r for r in rows[1:] if len(r["fields"]) != len(rows[0]["fields"]))
errors.append({"file": "ragged.csv", "problem": "raggedRow", "row": bad["row"] + 0, "line": bad["line"],
               "expected": 3, "found": len(bad["fields"])})

unterminated = b'a,b\n1,2\n3,"multi\nline\n4,5\n'
write("unterminated.csv", unterminated)
errors.append({"file": "unterminated.csv", "problem": "unterminatedQuote", "row": 3, "line": 3, "column": 1,
               "openedAtLine": 3})

invalid = "name,city\nann,Z\u00fcrich\nbob,".encode() + b"Gen\xe8ve" + b"\ncid,Bern\n"
write("invalid_utf8.csv", invalid)
try:
    invalid.decode("utf-8")
except UnicodeDecodeError as e:
    offset = e.start
errors.append({"file": "invalid_utf8.csv", "problem": "invalidUTF8", "row": 3, "line": 3, "column": 1,
               "byteOffset": offset})

after_quote = b'a,b\n1,"x"y\n'
write("text_after_quote.csv", after_quote)
errors.append({"file": "text_after_quote.csv", "problem": "textAfterClosingQuote", "row": 2, "line": 2, "column": 1})

expected = {
    "tricky": python_records(tricky),
    "semicolonNoHeader": python_records(semicolon, ";"),
    "writerRecords": writer_records + [[""]],
    "errors": errors,
}
with open("expected.json", "w") as f:
    json.dump(expected, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(len(expected["tricky"]), "tricky records;", len(errors), "error files")
