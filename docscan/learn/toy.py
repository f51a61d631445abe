"""A tiny seeded synthetic corpus in the corpus format, for tests and demos (not for real training).

Sentences are assembled from short templates we wrote; ``write_toy_corpus(dir, n)`` writes
``dir/data/toy.jsonl`` with train/dev/test splits and one topic marked held out.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

ACTORS = ["各村", "各乡镇", "各社区", "各街道", "网格员", "村干部", "各村（社区）", "驻村工作队"]
FREQ = ["每周", "每月", "每日", "每季度", "每旬", "每半月"]
TOPICS = ["防汛", "人居环境", "安全生产", "森林防火", "信访", "统计"]
POS = {
    "ledger_demand": ["{a}要建立{t}工作台账，{f}报送镇党政办。", "{a}{f}填报{t}情况统计表并上传照片。",
                      "请{a}将{t}资料整理成册，{f}交县里备查。", "{a}须做好{t}工作记录，留存影像资料。"],
    "repeated_inspection": ["县里将{f}对{a}{t}工作开展督查。", "{f}对{a}{t}工作进行考核评比并排名通报。",
                            "县专项办{f}暗访{a}{t}工作一次。"],
    "vague_duty": ["{t}工作由{a}负总责，县直部门加强指导。", "{a}要压实属地责任，{t}兜底保障。",
                   "{t}各项任务层层压实到{a}，经费自行解决。"],
    "meeting_overload": ["{a}要{f}召开{t}专题会议传达精神。", "{a}要层层召开{t}会议，逐级传达部署。"],
    "accountability_pressure": ["{t}工作实行一票否决，{a}签订责任状。", "对{t}工作排名末位的{a}进行约谈问责。"],
    "digital_formalism": ["{a}{f}在政务APP打卡并上传{t}截图。", "{a}要在工作群{f}接龙报到{t}情况。"],
    "deadline_pressure": ["{a}务必于当日下班前完成{t}任务上报。", "{t}材料请{a}立即报送，不得延误。"],
}
NEG = {
    "prohibition": ["不得要求{a}重复填报{t}报表。", "{t}督查检查原则上每年不超过一次。", "取消{a}{t}工作台账。",
                    "严禁以微信群打卡代替{t}实际工作。"],
    "critique": ["{t}工作中报表多、反复填的问题依然存在。", "有的地方{t}检查过多过频，基层疲于应付。",
                 "一些部门把{t}责任简单推给{a}的现象仍然突出。"],
    "upper_duty": ["县财政局于三月底前下拨{t}资金二百万元。", "县应急局负责编制{t}应急预案并组织演练。"],
    "neutral": ["到年底{t}覆盖率达到百分之九十五。", "今年以来全县{t}工作总体平稳。", "{t}是一项长期任务。"],
}


def make_items(n: int = 300, seed: int = 13) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    kinds = list(POS) + list(NEG)
    tries = 0
    while len(items) < n and tries < n * 50:
        tries += 1
        key = kinds[tries % len(kinds)]
        tpl = rng.choice(POS.get(key) or NEG[key])
        topic = rng.choice(TOPICS)
        text = tpl.format(a=rng.choice(ACTORS), f=rng.choice(FREQ), t=topic)
        if rng.random() < 0.15 and key in POS:  # a second category in the same passage
            other = rng.choice([k for k in POS if k != key])
            text += rng.choice(POS[other]).format(a=rng.choice(ACTORS), f=rng.choice(FREQ), t=topic)
            labels = [key, other]
        else:
            labels = [key] if key in POS else []
        if text in seen:
            continue
        seen.add(text)
        i = len(items)
        heldout = topic == "统计"
        split = "test" if heldout else ("train", "train", "train", "dev", "test")[i % 5]
        items.append({
            "id": f"toy-{i:04d}", "text": text, "labels": labels,
            "kind": "demand" if labels else key, "topic": topic, "register": "通知", "level": "county",
            "script": "simplified", "noise": False, "spans": [], "split": split, "heldout_topic": heldout,
        })
    return items


def write_toy_corpus(directory: str | Path, n: int = 300, seed: int = 13) -> Path:
    d = Path(directory) / "data"
    d.mkdir(parents=True, exist_ok=True)
    with (d / "toy.jsonl").open("w", encoding="utf-8") as fh:
        for it in make_items(n, seed):
            fh.write(json.dumps(it, ensure_ascii=False) + "\n")
    return Path(directory)
