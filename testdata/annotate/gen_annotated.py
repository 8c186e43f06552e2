#!/usr/bin/env python3
"""Generates annotated.json, the gold annotations the annotate package's tests use.

Offsets are computed here, by Python's str (code points), independently of the Go
code under test: the Go tests check that ValidateAnnotation accepts every span, so the
two agree on what a code point offset is. Run from this directory:

    python3 gen_annotated.py > annotated.json

Texts c002, c005, c008, c018, c024 are copied from comments.ndjson (the clinic data
set's social-media posts). m001 and m002 are derived from c046 and c005 with emoji, a
ZWJ sequence, a flag and a combining accent added, since the 60 posts have none.
"""
import json

texts = {}
for line in open("comments.ndjson", encoding="utf-8"):
    d = json.loads(line)
    texts[d["id"]] = d["text"]

texts["m001"] = texts["c046"].replace("接种了新冠疫苗", "接种了新冠疫苗😷").replace("口渴。", "口渴🥤。家属说👍 OK! 🇨🇳")
texts["m002"] = texts["c005"].replace("Follow-up:", "Follow-up 👨\u200d⚕️:").replace("thirst", "thirst 😓") + " Cafe\u0301 visit 👨\u200d👩\u200d👧 next week."

# (id, label, surface, nth occurrence)
docs = {
    "c002": dict(
        spans=[("s1", "Patient", "P0711"), ("s2", "Hospital", "华西医院"), ("s3", "Date", "两周前"),
               ("s4", "Vaccinate", "接种"), ("s5", "Vaccine", "新冠疫苗"), ("s6", "Symptom", "多尿")],
        relations=[("has_symptom", "s1", "s6")],
        events=[("vaccination", "s4", [("patient", "s1"), ("place", "s2"), ("time", "s3"), ("vaccine", "s5")])],
        labels=["vaccination"]),
    "c005": dict(
        spans=[("s1", "Patient", "P0298"), ("s2", "Symptom", "thirst"), ("s3", "Drug", "insulin"),
               ("s4", "Date", "12 October 2026")],
        relations=[("takes", "s1", "s3"), ("has_symptom", "s1", "s2")],
        events=[], labels=["follow-up", "medication"]),
    "c008": dict(
        spans=[("s1", "Date", "三月五日"), ("s2", "Patient", "P0001"), ("s3", "Hospital", "市第一人民医院"),
               ("s4", "Symptom", "手脚麻木"), ("s5", "Symptom", "多尿"), ("s6", "Drug", "胰岛素")],
        relations=[("has_symptom", "s2", "s4"), ("has_symptom", "s2", "s5"), ("takes", "s2", "s6")],
        events=[], labels=["follow-up"]),
    "c018": dict(
        spans=[("s1", "Patient", "P0527"), ("s2", "Hospital", "北京协和医院"), ("s3", "Date", "2026年10月12日"),
               ("s4", "Vaccinate", "接种"), ("s5", "Vaccine", "乙肝疫苗"), ("s6", "Symptom", "乏力")],
        relations=[("has_symptom", "s1", "s6")],
        events=[("vaccination", "s4", [("patient", "s1"), ("vaccine", "s5"), ("time", "s3"), ("place", "s2")])],
        labels=["vaccination"]),
    "c024": dict(
        spans=[("s1", "Patient", "P0378"), ("s2", "Date", "2026年10月12日"), ("s3", "Hospital", "社区卫生服务中心"),
               ("s4", "Drug", "胰岛素")],
        relations=[("takes", "s1", "s4")], events=[], labels=["follow-up", "medication"]),
    "m001": dict(
        spans=[("s1", "Patient", "P0626"), ("s2", "Hospital", "华西医院"), ("s3", "Date", "昨天"),
               ("s4", "Vaccinate", "接种"), ("s5", "Vaccine", "新冠疫苗"), ("s6", "Symptom", "口渴")],
        relations=[("has_symptom", "s1", "s6")],
        events=[("vaccination", "s4", [("patient", "s1"), ("place", "s2"), ("time", "s3"), ("vaccine", "s5")])],
        labels=["vaccination"]),
    "m002": dict(
        spans=[("s1", "Patient", "P0298"), ("s2", "Symptom", "thirst"), ("s3", "Drug", "insulin"),
               ("s4", "Date", "12 October 2026")],
        relations=[("takes", "s1", "s3")], events=[], labels=["medication"]),
}

out = []
for doc_id, d in docs.items():
    text = texts[doc_id]
    spans = []
    for sid, label, surface in d["spans"]:
        start = text.find(surface)
        assert start >= 0, (doc_id, surface)
        spans.append({"id": sid, "start": start, "end": start + len(surface), "label": label,
                      "text": text[start:start + len(surface)]})
    out.append({
        "id": doc_id,
        "text": text,
        "annotation": {
            "spans": spans,
            "relations": [{"type": t, "head": h, "tail": tl} for t, h, tl in d["relations"]],
            "events": [{"type": t, "trigger": tr, "arguments": [{"role": r, "span": s} for r, s in args]}
                       for t, tr, args in d["events"]],
            "labels": d["labels"],
        },
    })
print(json.dumps(out, ensure_ascii=False, indent=1))
