"""Thai search quality: recall@10, MRR and latency of each way of analysing
Thai in Solr, side by side with CKAN's stock schema.

A deterministic collection of Thai disclosures (titles and descriptions as
agencies write them: procurement, budget, HR, complaints, anti-corruption,
agency names, Thai months, พ.ศ. fiscal years) goes into two cores of the
running Solr: ``ckan-stock`` (CKAN's schema as shipped) and ``ckan-bench``
(our schema plus the analyses that are not shipped, config/solr/make_schema.py
--bench). Every variant but the stock one searches the same ``ckan-bench``
index and differs only in its query fields, so the figures compare analyses,
not indexes.

Queries are single words (many of them inside compounds: งบประมาณ inside
ปีงบประมาณ, จ้าง inside จัดจ้าง) and short phrases, some with spaces. A
document is relevant to a query when its title or description contains the
query string. Per query, recall@10 = |relevant ∩ first 10| / min(10,
|relevant|), so a query with 300 relevant documents scores 1.0 when all ten
results are relevant; MRR is 1/rank of the first relevant result (0 when none
is in the first 10). Latency is the wall time of one HTTP query, over
--repeat rounds after a warm-up round. "exact title first" is, for queries
that are some document's whole title, the share where such a document is
ranked first. Because recall@10 forgives a query that finds only some of its
many relevant documents, the table also shows the share of all relevant
documents that a query matches at any rank, and the share of matches that
are relevant.

Queries are sent with the parameters CKAN's package_search sends (dismax,
mm "2<-1 5<80%", tie 0.1, q.op AND, CKAN's default sort), with CKAN's query
fields on the stock core; a variant changes qf and, for the edismax rows,
defType and sow. "shipped" sends what ckanext-oit's before_dataset_search adds
(ckanext.oit.search.* in config_declaration.yaml) and takes sow from the
solrconfig.xml of the running Solr, as CKAN does.

    .venv/bin/python bench/search_quality.py [--solr URL] [--docs N] [--repeat N]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

import requests
import yaml

from ckan.lib.search.query import QUERY_FIELDS

REPO = Path(__file__).resolve().parents[1]
SITE_ID = "oit-bench-quality"
SEED = 2567

PROVINCES = [
    "ปทุมธานี", "เชียงใหม่", "ขอนแก่น", "นครราชสีมา", "สงขลา", "อุบลราชธานี", "พิษณุโลก",
    "สุราษฎร์ธานี", "ชลบุรี", "นครศรีธรรมราช", "ลำปาง", "กาญจนบุรี", "สระแก้ว", "ร้อยเอ็ด",
]
PLACES = [
    "บางพูด", "หนองหาร", "ท่าทราย", "ดอนแก้ว", "คลองหนึ่ง", "บ้านใหม่", "หนองบัวทอง", "นาดี",
    "โคกสำราญ", "ห้วยยาง", "ดงมะไฟ", "หนองกุงศรี", "บึงกาฬ", "ท่าข้าม", "สันป่าตอง", "แม่ริม",
    "ป่าแดด", "หัวทะเล", "บ่อพลอย", "วังน้ำเย็น", "คลองหลวง", "ลาดหลุมแก้ว", "ไทรน้อย", "บางกรวย",
    "หนองเสือ", "ลำลูกกา", "ธัญบุรี", "สามโคก", "โพธิ์ทอง", "นาหว้า", "เขาพนม", "ปากพนัง",
]
MONTHS = [
    "ตุลาคม", "พฤศจิกายน", "ธันวาคม", "มกราคม", "กุมภาพันธ์", "มีนาคม",
    "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
]
YEARS = [2565, 2566, 2567, 2568]
GOODS = [
    "วัสดุสำนักงาน", "ครุภัณฑ์คอมพิวเตอร์", "น้ำมันเชื้อเพลิงและหล่อลื่น", "วัสดุงานบ้านงานครัว",
    "อาหารเสริม (นม) โรงเรียน", "วัสดุก่อสร้าง", "เครื่องปรับอากาศ", "ยาและเวชภัณฑ์",
    "เครื่องพิมพ์เลเซอร์", "กล้องโทรทัศน์วงจรปิด", "รถบรรทุกขยะ", "โต๊ะเก้าอี้นักเรียน",
    "หมึกพิมพ์", "ยางมะตอยสำเร็จรูป", "ท่อระบายน้ำคอนกรีต", "ถังขยะพลาสติก", "วัสดุการเกษตร",
    "เครื่องแบบนักเรียน", "หนังสือเรียน", "วัสดุวิทยาศาสตร์การแพทย์", "เครื่องกำเนิดไฟฟ้า",
    "รถพยาบาลฉุกเฉิน", "ป้ายประชาสัมพันธ์ไวนิล", "ชุดกีฬา", "วัสดุไฟฟ้าและวิทยุ",
]
WORKS = [
    "ก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ {n} บ้าน{place}",
    "ซ่อมแซมอาคารเรียน โรงเรียนบ้าน{place}",
    "ก่อสร้างรางระบายน้ำ หมู่ที่ {n}",
    "จ้างเหมาบริการทำความสะอาดอาคารสำนักงาน",
    "จ้างที่ปรึกษาจัดทำแผนพัฒนาท้องถิ่น",
    "ขุดลอกคลองส่งน้ำ บ้าน{place}",
    "ปรับปรุงภูมิทัศน์สวนสาธารณะ",
    "ติดตั้งไฟฟ้าส่องสว่างพลังงานแสงอาทิตย์ หมู่ที่ {n}",
    "เจาะบ่อบาดาล บ้าน{place}",
]
PROJECTS = [
    "โครงการอาหารกลางวันนักเรียน", "โครงการป้องกันและแก้ไขปัญหายาเสพติด", "โครงการพัฒนาแหล่งน้ำ",
    "โครงการตามหลักปรัชญาของเศรษฐกิจพอเพียง", "โครงการอบรมเยาวชนต้านทุจริต",
    "โครงการควบคุมโรคไข้เลือดออก", "โครงการผู้สูงอายุสุขภาพดี", "โครงการคัดแยกขยะต้นทาง",
]
NEWS = ["กิจกรรมวันเด็กแห่งชาติ", "โครงการอบรมคุณธรรมจริยธรรม", "การรับนักเรียนปีการศึกษาใหม่",
        "การฉีดวัคซีนป้องกันไข้หวัดใหญ่"]
COMMITTEES = ["ตรวจรับพัสดุ", "ประเมินผลการปฏิบัติงาน", "จัดทำแผนพัฒนาท้องถิ่น",
              "สอบข้อเท็จจริงเรื่องร้องเรียน"]


def agency(rng: random.Random) -> str:
    province, place = rng.choice(PROVINCES), rng.choice(PLACES)
    return rng.choice([
        f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษา{province} เขต {rng.randint(1, 3)}",
        f"สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา{province}",
        f"องค์การบริหารส่วนตำบล{place}",
        f"เทศบาลตำบล{place}",
        f"โรงพยาบาลส่งเสริมสุขภาพตำบล{place}",
        f"สำนักงานสาธารณสุขจังหวัด{province}",
        f"สำนักงานที่ดินจังหวัด{province}",
        f"มหาวิทยาลัยราชภัฏ{province}",
    ])


def fy(rng: random.Random, year: int) -> str:
    return rng.choice([f"ปีงบประมาณ พ.ศ. {year}", f"ประจำปีงบประมาณ {year}", f"ปีงบประมาณ {year}"])


def disclosure(rng: random.Random) -> tuple[str, str]:
    """One (title, description) as an agency would publish it."""
    org, year, month = agency(rng), rng.choice(YEARS), rng.choice(MONTHS)
    work = rng.choice(WORKS).format(n=rng.randint(1, 12), place=rng.choice(PLACES))
    goods = rng.choice(GOODS)
    money = f"{rng.randint(5, 9000) * 1000:,}"
    ita = f"ตามเกณฑ์การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA) {fy(rng, year)}"
    kind = rng.randrange(16)
    if kind == 0:
        return (f"ประกาศผลการจัดซื้อจัดจ้าง{goods} ประจำเดือน{month} {year}",
                f"{org} ประกาศผู้ชนะการเสนอราคาซื้อ{goods} โดยวิธีเฉพาะเจาะจง วงเงิน {money} บาท")
    if kind == 1:
        return (f"สรุปผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุรายเดือน เดือน{month} พ.ศ. {year}",
                f"แบบ สขร.1 ของ{org} รายการจัดซื้อ{goods}และงาน{work} {ita}")
    if kind == 2:
        return (f"แผนการจัดซื้อจัดจ้างประจำ{fy(rng, year)}",
                f"{org} เผยแพร่แผนการจัดหาพัสดุ ได้แก่ {goods} และ{work} วงเงินรวม {money} บาท")
    if kind == 3:
        return (f"ประกาศรายชื่อผู้ชนะการเสนอราคา{work}",
                f"{org} ประกาศผลการพิจารณาจ้าง{work} ด้วยวิธีประกาศเชิญชวนทั่วไป (e-bidding)"
                f" ราคาที่ตกลงจ้าง {money} บาท")
    if kind == 4:
        return (f"แผนการใช้จ่ายงบประมาณประจำปี {fy(rng, year)}",
                f"แผนการใช้จ่ายเงินงบประมาณรายจ่ายของ{org} จำแนกตามแผนงานและโครงการ {ita}")
    if kind == 5:
        rounds = rng.choice(["รอบ 6 เดือน", "รอบ 5 เดือน"])
        return (f"รายงานการกำกับติดตามการใช้จ่ายงบประมาณ {rounds} {fy(rng, year)}",
                f"ผลการเบิกจ่ายงบประมาณของ{org} ตั้งแต่เดือนตุลาคมถึงเดือนมีนาคม"
                f" ร้อยละ {rng.randint(30, 70)}")
    if kind == 6:
        return (f"รายงานผลการดำเนินงานประจำปี {fy(rng, year)}",
                f"{org} สรุปผลการดำเนินงานตามแผนปฏิบัติราชการ เช่น {rng.choice(PROJECTS)}"
                f" โครงการที่แล้วเสร็จ {rng.randint(5, 40)} โครงการ")
    if kind == 7:
        return (rng.choice([
                    "นโยบายการบริหารทรัพยากรบุคคล",
                    "หลักเกณฑ์การบริหารและพัฒนาทรัพยากรบุคคล",
                    f"รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี {year}",
                    f"ประกาศรับสมัครบุคคลเพื่อสรรหาและเลือกสรรเป็นพนักงานราชการ"
                    f" ครั้งที่ {rng.randint(1, 4)}/{year}",
                ]),
                f"{org} กำหนดหลักเกณฑ์การสรรหา คัดเลือก การพัฒนาบุคลากร การประเมินผลการปฏิบัติงาน"
                f" และการให้คุณให้โทษ {ita}")
    if kind == 8:
        return (rng.choice([
                    "แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
                    "ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
                    f"ข้อมูลเชิงสถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ {fy(rng, year)}",
                ]),
                f"{org} รับเรื่องร้องเรียนทางเว็บไซต์ โทรศัพท์ และตู้รับเรื่อง"
                f" ปีนี้มีเรื่องร้องเรียน {rng.randint(0, 12)} เรื่อง ดำเนินการแล้วเสร็จทั้งหมด")
    if kind == 9:
        return (rng.choice([
                    f"การประเมินความเสี่ยงการทุจริตประจำปี {year}",
                    "การดำเนินการเพื่อจัดการความเสี่ยงการทุจริต",
                    f"แผนปฏิบัติการป้องกันการทุจริต {fy(rng, year)}",
                    f"รายงานการกำกับติดตามการดำเนินการป้องกันการทุจริต รอบ 6 เดือน {fy(rng, year)}",
                ]),
                f"{org} วิเคราะห์ความเสี่ยงการทุจริตในการอนุมัติอนุญาตและการใช้อำนาจ"
                f" พร้อมมาตรการป้องกันผลประโยชน์ทับซ้อน")
    if kind == 10:
        return (rng.choice([
                    "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
                    "การดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
                    f"ประกาศเจตจำนงสุจริตในการบริหารงานของผู้บริหาร ปี {year}",
                    "นโยบายไม่รับของขวัญและของกำนัลทุกชนิดจากการปฏิบัติหน้าที่ (No Gift Policy)",
                ]),
                f"{org} ประกาศมาตรการเพื่อขับเคลื่อนการส่งเสริมคุณธรรมและความโปร่งใส {ita}")
    if kind == 11:
        quarter = rng.randint(1, 4)
        return (f"ข้อมูลเชิงสถิติการให้บริการ ไตรมาส {quarter}/{year}",
                f"จำนวนผู้มาใช้บริการของ{org} ในไตรมาสที่ {quarter} รวม {rng.randint(100, 9000)} ราย")
    if kind == 12:
        return (f"รายงานผลการสำรวจความพึงพอใจการให้บริการ {fy(rng, year)}",
                f"ผลการสำรวจความพึงพอใจของผู้รับบริการ{org} ระดับมาก ร้อยละ {rng.randint(80, 99)}")
    if kind == 13:
        return (rng.choice(["โครงสร้างหน่วยงาน", "ข้อมูลผู้บริหาร", "อำนาจหน้าที่", "ข้อมูลการติดต่อ",
                            "กฎหมายที่เกี่ยวข้อง", "แผนยุทธศาสตร์หรือแผนพัฒนาหน่วยงาน"]),
                f"{org} {rng.choice(['ที่ตั้ง', 'ผู้อำนวยการและรองผู้อำนวยการ', 'ภารกิจและอำนาจหน้าที่'])}"
                f" โทรศัพท์ 0 {rng.randint(2000, 7999)} {rng.randint(1000, 9999)}")
    if kind == 14:
        return (f"ข่าวประชาสัมพันธ์ {rng.choice(NEWS)} {year}",
                f"{org} จัดกิจกรรมเมื่อเดือน{month} {year} ภายใต้{rng.choice(PROJECTS)}"
                f" มีผู้เข้าร่วม {rng.randint(20, 500)} คน")
    return (f"คำสั่งแต่งตั้งคณะกรรมการ{rng.choice(COMMITTEES)}",
            f"คำสั่ง{org} ที่ {rng.randint(1, 400)}/{year} ลงวันที่ {rng.randint(1, 28)} {month} {year}")


# Single words (many stand inside a compound: งบประมาณ in ปีงบประมาณ, จ้าง in
# จัดจ้าง, ร้องเรียน in เรื่องร้องเรียน) and short phrases, some with spaces.
QUERIES = [
    # budget and procurement
    "งบประมาณ", "ปีงบประมาณ", "ใช้จ่าย", "เบิกจ่าย", "จัดซื้อ", "จ้าง", "จัดจ้าง", "จัดซื้อจัดจ้าง",
    "พัสดุ", "จัดหาพัสดุ", "วัสดุ", "ครุภัณฑ์", "คอมพิวเตอร์", "เชื้อเพลิง", "เสนอราคา", "ผู้ชนะ",
    "เฉพาะเจาะจง", "ประกาศเชิญชวน", "ก่อสร้าง", "ถนน", "คอนกรีตเสริมเหล็ก", "ระบายน้ำ", "ซ่อมแซม",
    "อาคารเรียน", "ทำความสะอาด", "ที่ปรึกษา", "วงเงิน", "สขร.1", "e-bidding", "รายเดือน",
    "แผนการจัดซื้อจัดจ้าง", "การใช้จ่ายงบประมาณ", "เวชภัณฑ์", "นม",
    # plans and reports
    "แผนปฏิบัติการ", "แผนปฏิบัติราชการ", "ดำเนินงาน", "ผลการดำเนินงาน", "กำกับติดตาม", "รอบ 6 เดือน",
    "รอบ 5 เดือน", "ยุทธศาสตร์", "แผนพัฒนา", "โครงการ", "รายงาน",
    # HR
    "ทรัพยากรบุคคล", "บุคลากร", "สรรหา", "คัดเลือก", "พนักงานราชการ", "รับสมัคร", "หลักเกณฑ์",
    # complaints, integrity
    "ร้องเรียน", "เรื่องร้องเรียน", "ทุจริต", "การทุจริต", "ประพฤติมิชอบ", "ความเสี่ยง", "ผลประโยชน์ทับซ้อน",
    "ป้องกัน", "คุณธรรม", "โปร่งใส", "ความโปร่งใส", "เจตจำนง", "สุจริต", "ของขวัญ", "No Gift Policy",
    "มาตรการ", "ITA",
    # services
    "สถิติ", "ให้บริการ", "ผู้รับบริการ", "ความพึงพอใจ", "สำรวจ", "ไตรมาส",
    # organisation
    "โครงสร้าง", "ผู้บริหาร", "อำนาจหน้าที่", "การติดต่อ", "กฎหมาย", "ประชาสัมพันธ์", "คณะกรรมการ",
    "แต่งตั้ง", "ตรวจรับ", "คำสั่ง", "วันเด็ก", "วัคซีน",
    # agencies and places
    "เขตพื้นที่การศึกษา", "ประถมศึกษา", "มัธยมศึกษา", "การศึกษา", "องค์การบริหารส่วนตำบล", "เทศบาล",
    "ตำบล", "สาธารณสุข", "ส่งเสริมสุขภาพ", "ที่ดิน", "ราชภัฏ", "ปทุมธานี", "เชียงใหม่", "ขอนแก่น",
    "นครราชสีมา", "อุบลราชธานี", "นครศรีธรรมราช", "หนองหาร", "บางพูด", "โรงเรียน", "ปทุมธานี เขต 1",
    # rare words, many inside compounds (few relevant documents each)
    "เลเซอร์", "วงจรปิด", "ขยะ", "รถบรรทุก", "มะตอย", "หมึก", "พลาสติก", "เกษตร", "เครื่องแบบ",
    "หนังสือเรียน", "กำเนิดไฟฟ้า", "รถพยาบาล", "ไวนิล", "กีฬา", "วิทยุ", "ขุดลอก", "ภูมิทัศน์",
    "สวนสาธารณะ", "แสงอาทิตย์", "บ่อบาดาล", "ยาเสพติด", "อาหารกลางวัน", "แหล่งน้ำ", "พอเพียง",
    "เยาวชน", "ไข้เลือดออก", "ผู้สูงอายุ", "คัดแยก", "หนองบัว", "หนองบัวทอง", "ดงมะไฟ", "กุงศรี",
    "สันป่าตอง", "บ่อพลอย", "วังน้ำเย็น", "ลาดหลุมแก้ว", "ลำลูกกา", "ปากพนัง", "โคกสำราญ", "ห้วยยาง",
    "ปีงบประมาณ พ.ศ. 2565", "งบประมาณ 2568", "เรื่องร้องเรียน 3 เรื่อง", "ร้อยละ 45",
    # dates
    "ตุลาคม", "มกราคม", "กันยายน", "มีนาคม", "พ.ศ. 2567", "ปีงบประมาณ 2566", "2568",
    "ประจำเดือนตุลาคม", "เดือนมีนาคม",
]

# Shown one by one: the Thai tokenizer keeps ปีงบประมาณ, จัดจ้า|ง and ยางมะตอย whole.
SHOWCASE = ["งบประมาณ", "จ้าง", "มะตอย", "นม"]


def collection(size: int) -> list[dict]:
    rng = random.Random(SEED)
    docs = []
    for i in range(size):
        title, notes = disclosure(rng)
        docs.append({"name": f"q-{i:05d}", "title": title, "notes": notes})
    return docs


def relevant(docs: list[dict], q: str) -> set[str]:
    return {d["name"] for d in docs if q in d["title"] or q in d["notes"]}


def exact_title_queries(docs: list[dict], count: int) -> list[str]:
    """Whole titles, the short ones that also stand inside other titles first."""
    titles = sorted({d["title"] for d in docs})
    inside = [t for t in titles if sum(t in u for u in titles) > 1]
    rest = [t for t in titles if t not in inside]
    rng = random.Random(SEED)
    picked = inside[:count // 2]
    return picked + rng.sample(rest, count - len(picked))


def solr_documents(docs: list[dict]) -> list[dict]:
    # The fields CKAN's indexer fills for such a dataset (title_string: for sort).
    return [
        {
            "id": d["name"], "index_id": f"{SITE_ID}-{d['name']}", "site_id": SITE_ID,
            "name": d["name"], "title": d["title"], "title_string": d["title"], "notes": d["notes"],
            "text": [], "entity_type": "package", "dataset_type": "dataset", "state": "active",
            "capacity": "public", "metadata_created": "2026-01-01T00:00:00Z",
            "metadata_modified": f"2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z",
        }
        for i, d in enumerate(docs)
    ]


def oit_search_options() -> dict[str, str]:
    declaration = yaml.safe_load((REPO / "ckanext/oit/config_declaration.yaml").read_text())
    return {
        option["key"]: option.get("default", "")
        for group in declaration["groups"]
        for option in group["options"]
        if option["key"].startswith("ckanext.oit.search.")
    }


def shipped_params() -> dict[str, str]:
    """What ckanext-oit's before_dataset_search adds to CKAN's query."""
    from ckanext.oit import search  # the same code CKAN runs

    options = oit_search_options()
    return search.query_params(lambda key: options.get(key))


def variants(solr: str) -> list[tuple[str, str, dict]]:
    stock, bench = f"{solr}/ckan-stock", f"{solr}/ckan-bench"

    def qf(*suffixes: str) -> str:
        # CKAN's query fields plus title_<s> boosted like title and text_<s>
        titles = " ".join(f"title_{s}^4" for s in suffixes)
        texts = " ".join(f"text_{s}" for s in suffixes)
        return f"name^4 title^4 {titles} tags^2 groups^2 text {texts}"

    return [
        ("CKAN stock schema", stock, {"qf": QUERY_FIELDS}),
        ("stock + its title_ngram", stock, {"qf": QUERY_FIELDS + " title_ngram^2"}),
        ("Thai tokenizer (issue 2)", bench, {"qf": qf("th")}),
        ("ICU tokenizer", bench, {"qf": qf("icu")}),
        ("bigrams", bench, {"qf": qf("bg")}),
        ("Thai + bigrams", bench, {"qf": qf("th", "bg")}),
        ("ICU + bigrams", bench, {"qf": qf("icu", "bg")}),
        ("Thai + bigrams, edismax sow=0", bench,
         {"qf": qf("th", "bg"), "defType": "edismax", "sow": "false"}),
        ("bigrams, edismax", bench, {"qf": qf("bg"), "defType": "edismax", "sow": "true"}),
        ("ICU + bigrams, edismax", bench,
         {"qf": qf("icu", "bg"), "defType": "edismax", "sow": "true"}),
        ("shipped: Thai + bigrams, edismax", bench, shipped_params()),
    ]


def preflight(chosen: list[tuple[str, str, dict]]) -> None:
    """Stop with a clear message when the running Solr has an older conf."""
    restart = "restart Solr with the current conf: bash scripts/solr.sh restart"
    for core in sorted({core for _, core, _ in chosen}):
        try:
            response = requests.get(f"{core}/schema/fields", params={"wt": "json"}, timeout=10)
            response.raise_for_status()
        except requests.RequestException as e:
            raise SystemExit(f"Solr core {core} does not answer ({e}); start it: make setup")
        have = {f["name"] for f in response.json()["fields"]}
        for label, where, extra in chosen:
            missing = [f.split("^")[0] for f in extra["qf"].split() if f.split("^")[0] not in have]
            if where == core and missing:
                raise SystemExit(f"{core} has no field {', '.join(missing)} ({label}): {restart}")
    handler = requests.get(f"{chosen[-1][1]}/config/requestHandler",
                           params={"componentName": "/select", "wt": "json"}, timeout=10).json()
    if handler["config"]["requestHandler"]["/select"]["defaults"].get("sow") != "true":
        raise SystemExit(f"the /select handler does not default to sow=true: {restart}")


def ckan_params(q: str, extra: dict) -> dict:
    # What ckan.lib.search.query.PackageSearchQuery.run sends for a plain query.
    params = {
        "q": q, "defType": "dismax", "tie": "0.1", "mm": "2<-1 5<80%", "q.op": "AND", "df": "text",
        "fq": [f"+site_id:{SITE_ID}", "+state:active", "+capacity:public"],
        "sort": "score desc, metadata_modified desc", "rows": 11, "fl": "name", "wt": "json",
    }
    params.update(extra)
    return params


def search(session: requests.Session, core: str, q: str, extra: dict,
           rows: int = 10) -> tuple[list[str], float]:
    params = ckan_params(q, extra)
    params["rows"] = rows + 1  # CKAN asks for one more than it shows
    started = time.perf_counter()
    response = session.post(f"{core}/select", data=params, timeout=30)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return [d["name"] for d in response.json()["response"]["docs"]][:rows], elapsed


def load(core: str, docs: list[dict]) -> None:
    clear(core)
    for start in range(0, len(docs), 500):
        requests.post(f"{core}/update", json=docs[start:start + 500], timeout=120).raise_for_status()
    requests.post(f"{core}/update", params={"commit": "true"}, json={}, timeout=120).raise_for_status()


def clear(core: str) -> None:
    requests.post(f"{core}/update", params={"commit": "true"}, timeout=60,
                  json={"delete": {"query": f"site_id:{SITE_ID}"}}).raise_for_status()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def measure(session, core, extra, queries, rel, exact, titles, repeat):
    recall, rr, latencies, misses, matched, precise = [], [], [], [], [], []
    by_query = {}
    for q in queries:
        found = set(search(session, core, q, extra, rows=len(titles))[0])
        matched.append(len(found & rel[q]) / len(rel[q]))
        by_query[q] = matched[-1]
        if found:
            precise.append(len(found & rel[q]) / len(found))
        names, _ = search(session, core, q, extra)  # also the warm-up round
        hits = [n for n in names if n in rel[q]]
        recall.append(len(hits) / min(10, len(rel[q])))
        rank = next((i for i, n in enumerate(names, 1) if n in rel[q]), None)
        rr.append(1 / rank if rank else 0.0)
        if recall[-1] < 1:
            misses.append((q, recall[-1]))
    for _ in range(repeat):
        for q in queries:
            latencies.append(search(session, core, q, extra)[1] * 1000)
    first = 0
    for q in exact:
        names, _ = search(session, core, q, extra)
        first += bool(names) and titles[names[0]] == q
    return {
        "recall": statistics.mean(recall), "mrr": statistics.mean(rr),
        "matched": statistics.mean(matched),
        "precision": statistics.mean(precise) if precise else 0.0,
        "found": sum(r > 0 for r in recall), "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95), "exact": first / len(exact), "misses": misses,
        "by_query": by_query,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    port = os.environ.get("OIT_SOLR_PORT", "8986")
    parser.add_argument("--solr", default=f"http://127.0.0.1:{port}/solr")
    parser.add_argument("--docs", type=int, default=2000, help="documents in the collection")
    parser.add_argument("--repeat", type=int, default=3, help="query rounds for the latency figures")
    parser.add_argument("--misses", action="store_true", help="list each variant's imperfect queries")
    args = parser.parse_args()

    docs = collection(args.docs)
    rel = {q: relevant(docs, q) for q in QUERIES}
    empty = [q for q, r in rel.items() if not r]
    if empty:
        raise SystemExit(f"queries with no relevant document: {empty}")
    exact = exact_title_queries(docs, 30)
    titles = {d["name"]: d["title"] for d in docs}
    indexed = solr_documents(docs)
    chosen = variants(args.solr)
    preflight(chosen)
    for core in sorted({core for _, core, _ in chosen}):
        load(core, indexed)

    rows = []
    with requests.Session() as session:
        try:
            for label, core, extra in chosen:
                rows.append((label, measure(session, core, extra, QUERIES, rel, exact, titles,
                                            args.repeat)))
        finally:
            for core in sorted({core for _, core, _ in chosen}):
                clear(core)

    many = sum(len(r) > 10 for r in rel.values())
    print(f"{len(docs)} Thai disclosures, {len(QUERIES)} queries ({many} with more than 10 relevant"
          f" documents), {len(exact)} whole-title queries; Solr {args.solr}\n")
    base = rows[0][1]
    head = (f"{'variant':<34}{'recall@10':>10}{'x stock':>8}{'MRR':>7}{'found':>9}"
            f"{'all rel':>8}{'prec':>6}{'exact 1st':>10}{'p50 ms':>8}{'p95 ms':>8}")
    print(head)
    print("-" * len(head))
    for label, m in rows:
        ratio = f"{m['recall'] / base['recall']:.2f}" if base["recall"] else "inf"
        print(f"{label:<34}{m['recall']:>10.3f}{ratio:>8}{m['mrr']:>7.3f}"
              f"{str(m['found']) + '/' + str(len(QUERIES)):>9}{m['matched']:>8.3f}"
              f"{m['precision']:>6.2f}{m['exact']:>10.2f}"
              f"{m['p50']:>8.1f}{m['p95']:>8.1f}")
    print("\nshare of all relevant documents matched, words inside compounds:")
    print(f"{'':<34}" + "".join(f"{q:>{max(10, len(q) + 2)}}" for q in SHOWCASE))
    print(f"{'relevant documents':<34}"
          + "".join(f"{len(rel[q]):>{max(10, len(q) + 2)}}" for q in SHOWCASE))
    for label, m in rows:
        print(f"{label:<34}"
              + "".join(f"{m['by_query'][q]:>{max(10, len(q) + 2)}.2f}" for q in SHOWCASE))
    shipped = rows[-1][1]
    print(f"""
recall@10  mean |relevant in first 10| / min(10, |relevant|); x stock: against CKAN's stock schema
MRR        mean 1/rank of the first relevant result (0 when none in the first 10)
found      queries with at least one relevant result in the first 10
all rel    mean share of all relevant documents that the query matches at all (any rank)
prec       mean share of matched documents that are relevant (queries that match something)
exact 1st  whole-title queries whose document is ranked first
p50/p95    one query's wall time over {args.repeat} rounds of every query
stock/ngram rows: core ckan-stock; the others: core ckan-bench, only qf and the parser differ;
"edismax" rows split the query on white space (sow=true, solrconfig's default), sow=0 does not.

shipped (ckanext.oit.search.*): recall@10 {shipped['recall']:.3f}, CKAN stock schema {base['recall']:.3f}""")
    if args.misses:
        for label, m in rows:
            print(f"\n{label}: " + ", ".join(f"{q} {r:.1f}" for q, r in m["misses"]))


if __name__ == "__main__":
    main()
