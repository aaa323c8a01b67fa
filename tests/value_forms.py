"""The value-grammar suite: the ways Chinese reports write a figure, one failure class at a time.

Every case is a short passage written for this suite (none is taken from a report or from another
project's tests) with every value the rule layer must find in it, in text order, as
``(label, span, value, unit)`` and, where it matters, the expected ``approximate``, ``qualifier``
and ``direction``. A case passes when the values found are exactly those, with exactly those
normalised values: an amount off by a power of ten fails, so does float noise.

``tests/test_value_forms.py`` runs every case; ``python tests/value_forms.py`` prints the passes
per class, against whichever ``perfeval`` is importable (``PYTHONPATH=../main python
tests/value_forms.py`` measures another checkout).
"""

from __future__ import annotations

from typing import Any, NamedTuple

Expected = tuple[Any, ...]  # (label, span, value, unit) or (label, span, value, unit, {attr: value})


class Form(NamedTuple):
    cls: str
    text: str
    values: list[Expected]


DOWN = {"direction": "decrease"}
UP = {"direction": "increase"}
APPROX = {"approximate": True}


def _forms(cls: str, *cases: tuple[str, list[Expected]]) -> list[Form]:
    return [Form(cls, text, values) for text, values in cases]


FORMS: list[Form] = [
    # Chinese numerals whose 千 / 百 / 十 come before 万元 / 亿元 / 元: the numeral, not the unit
    *_forms(
        "cn_multiplier",
        ("项目总投资三千五百万元。", [("MONEY", "三千五百万元", 35_000_000, "元")]),
        ("补助标准为一万二千元。", [("MONEY", "一万二千元", 12_000, "元")]),
        ("安排资金五千元用于培训", [("MONEY", "五千元", 5_000, "元")]),
        ("年度预算两千万元", [("MONEY", "两千万元", 20_000_000, "元")]),
        ("争取上级资金一亿二千万元", [("MONEY", "一亿二千万元", 120_000_000, "元")]),
        ("拨付经费三百元", [("MONEY", "三百元", 300, "元")]),
        ("结余资金八千四百元", [("MONEY", "八千四百元", 8_400, "元")]),
        ("总投入四千五百六十万元", [("MONEY", "四千五百六十万元", 45_600_000, "元")]),
        ("累计投入十二亿元", [("MONEY", "十二亿元", 1_200_000_000, "元")]),
        ("全年收入三千二百亿元", [("MONEY", "三千二百亿元", 320_000_000_000, "元")]),
        ("奖励资金五十万元", [("MONEY", "五十万元", 500_000, "元")]),
        ("一次性补助九百万元", [("MONEY", "九百万元", 9_000_000, "元")]),
        ("安排专项资金六千万元", [("MONEY", "六千万元", 60_000_000, "元")]),
        ("发放慰问金两万五千元", [("MONEY", "两万五千元", 25_000, "元")]),
        ("人均补贴一千二百元", [("MONEY", "一千二百元", 1_200, "元")]),
        ("资金规模达二百五十亿元", [("MONEY", "二百五十亿元", 25_000_000_000, "元")]),
        ("共计投入三十五万元", [("MONEY", "三十五万元", 350_000, "元")]),
        ("中央补助七千八百万元", [("MONEY", "七千八百万元", 78_000_000, "元")]),
        ("项目经费十万元", [("MONEY", "十万元", 100_000, "元")]),
        ("市级配套两百万元", [("MONEY", "两百万元", 2_000_000, "元")]),
    ),
    # 零 inside a Chinese numeral
    *_forms(
        "cn_zero",
        ("拨付二十万零五千元", [("MONEY", "二十万零五千元", 205_000, "元")]),
        ("投入一百零一万一千元", [("MONEY", "一百零一万一千元", 1_011_000, "元")]),
        ("支出一千零五十元", [("MONEY", "一千零五十元", 1_050, "元")]),
        ("下达三亿零五百万元", [("MONEY", "三亿零五百万元", 305_000_000, "元")]),
        ("采购金额二千零八元", [("MONEY", "二千零八元", 2_008, "元")]),
        ("补助一万零二百元", [("MONEY", "一万零二百元", 10_200, "元")]),
        ("共计五百零六万元", [("MONEY", "五百零六万元", 5_060_000, "元")]),
        ("服务群众一千零二十人次", [("COUNT", "一千零二十人次", 1_020, "人次")]),
        ("投资九百万零四百元", [("MONEY", "九百万零四百元", 9_000_400, "元")]),
        ("收到捐款四千零四万元", [("MONEY", "四千零四万元", 40_040_000, "元")]),
        ("办理案件一百零五件", [("COUNT", "一百零五件", 105, "件")]),
        ("支付二十万零三百元", [("MONEY", "二十万零三百元", 200_300, "元")]),
    ),
    # decimals written with 点
    *_forms(
        "cn_decimal",
        ("每张补贴零点五元", [("MONEY", "零点五元", 0.5, "元")]),
        ("年度预算一百二十三点四五万元", [("MONEY", "一百二十三点四五万元", 1_234_500, "元")]),
        ("同比提高一点五个百分点", [("PERCENT", "一点五个百分点", 1.5, "百分点", UP)]),
        ("总投资三点五亿元", [("MONEY", "三点五亿元", 350_000_000, "元")]),
        ("执行率为九十八点六%", [("PERCENT", "九十八点六%", 98.6, "%")]),
        ("增幅二点三个百分点", [("PERCENT", "二点三个百分点", 2.3, "百分点", UP)]),
        ("资金二点零八万元", [("MONEY", "二点零八万元", 20_800, "元")]),
        ("自评得分九十六点五分", [("SCORE", "九十六点五分", 96.5, "分")]),
        ("经费十二点五万元", [("MONEY", "十二点五万元", 125_000, "元")]),
        ("单价零点三五元", [("MONEY", "零点三五元", 0.35, "元")]),
        ("服务一点二万人次", [("COUNT", "一点二万人次", 12_000, "人次")]),
        ("投入资金四百点五万元", [("MONEY", "四百点五万元", 4_005_000, "元")]),
        ("下降零点八个百分点", [("PERCENT", "零点八个百分点", 0.8, "百分点", DOWN)]),
        ("总额六点七八亿元", [("MONEY", "六点七八亿元", 678_000_000, "元")]),
    ),
    # Arabic digits with Chinese multipliers in between
    *_forms(
        "mixed",
        ("补助3万4000元", [("MONEY", "3万4000元", 34_000, "元")]),
        ("支出25万6千元", [("MONEY", "25万6千元", 256_000, "元")]),
        ("总投资1亿2000万元", [("MONEY", "1亿2000万元", 120_000_000, "元")]),
        ("拨款5万4千6百元", [("MONEY", "5万4千6百元", 54_600, "元")]),
        ("收入2亿3500万元", [("MONEY", "2亿3500万元", 235_000_000, "元")]),
        ("经费12万5千元", [("MONEY", "12万5千元", 125_000, "元")]),
        ("采购8千元的设备", [("MONEY", "8千元", 8_000, "元")]),
        ("投入3千万元", [("MONEY", "3千万元", 30_000_000, "元")]),
        ("下达1.5千万元", [("MONEY", "1.5千万元", 15_000_000, "元")]),
        ("接待游客3万5千人次", [("COUNT", "3万5千人次", 35_000, "人次")]),
        ("资金6百万元", [("MONEY", "6百万元", 6_000_000, "元")]),
        ("总收入3亿零500万元", [("MONEY", "3亿零500万元", 305_000_000, "元")]),
    ),
    # 余 / 多 between the number, its multiplier and 元
    *_forms(
        "approx_between",
        ("节约资金12.5万余元", [("MONEY", "12.5万余元", 125_000, "元", APPROX)]),
        ("带动增收3.6万多元", [("MONEY", "3.6万多元", 36_000, "元", APPROX)]),
        ("撬动社会投资1.2亿余元", [("MONEY", "1.2亿余元", 120_000_000, "元", APPROX)]),
        ("投入300余万元", [("MONEY", "300余万元", 3_000_000, "元", APPROX)]),
        ("争取资金十余万元", [("MONEY", "十余万元", 100_000, "元", APPROX)]),
        ("累计投入三百多万元", [("MONEY", "三百多万元", 3_000_000, "元", APPROX)]),
        ("减免租金一千多万元", [("MONEY", "一千多万元", 10_000_000, "元", APPROX)]),
        ("发放补贴5000余元", [("MONEY", "5000余元", 5_000, "元", APPROX)]),
        ("培训干部1200余人次", [("COUNT", "1200余人次", 1_200, "人次", APPROX)]),
        ("走访企业二十多家", [("COUNT", "二十多家", 20, "家", APPROX)]),
        ("惠及群众2万余人", [("COUNT", "2万余人", 20_000, "人", APPROX)]),
        ("完成投资50亿多元", [("MONEY", "50亿多元", 5_000_000_000, "元", APPROX)]),
        ("收集意见五百余条", [("COUNT", "五百余条", 500, "条", APPROX)]),
        ("资金缺口800多万元", [("MONEY", "800多万元", 8_000_000, "元", APPROX)]),
    ),
    # 负 and minus signs; a sign belongs to the number
    *_forms(
        "sign",
        ("增长率为负3.9%", [("PERCENT", "负3.9%", -3.9, "%")]),
        ("结余负10000元", [("MONEY", "负10000元", -10_000, "元")]),
        ("偏差率-2.5%", [("PERCENT", "-2.5%", -2.5, "%")]),
        ("变动负0.8个百分点", [("PERCENT", "负0.8个百分点", -0.8, "百分点")]),
        ("差额为-35.6万元", [("MONEY", "-35.6万元", -356_000, "元")]),
        ("增幅−1.2%", [("PERCENT", "−1.2%", -1.2, "%", UP)]),
        ("收支差额负五万元", [("MONEY", "负五万元", -50_000, "元")]),
        ("偏离度为－3%", [("PERCENT", "－3%", -3, "%")]),
        ("负责人3名", [("COUNT", "3名", 3, "名")]),  # 负责 is not a sign
    ),
    # 下降 / 减少 / 调减 keep the number positive and say so; 增长 / 提高 likewise
    *_forms(
        "direction",
        ("同比下降3.2%", [("PERCENT", "3.2%", 3.2, "%", DOWN)]),
        ("较上年减少120万元", [("MONEY", "120万元", 1_200_000, "元", DOWN)]),
        ("年中调减40万元", [("MONEY", "40万元", 400_000, "元", DOWN)]),
        ("支出降低了5.6个百分点", [("PERCENT", "5.6个百分点", 5.6, "百分点", DOWN)]),
        ("比上年增长8.58%", [("PERCENT", "8.58%", 8.58, "%", UP)]),
        ("同比增加198.68万元", [("MONEY", "198.68万元", 1_986_800, "元", UP)]),
        ("满意度提高2个百分点", [("PERCENT", "2个百分点", 2, "百分点", UP)]),
        ("年中调增15万元", [("MONEY", "15万元", 150_000, "元", UP)]),
        ("三公经费压减10%", [("PERCENT", "10%", 10, "%", DOWN)]),
        ("会议减少3次", [("COUNT", "3次", 3, "次", DOWN)]),
        ("同比下降约2%", [("PERCENT", "2%", 2, "%", {"direction": "decrease", "approximate": True})]),
        ("执行率下降至80%", [("PERCENT", "80%", 80, "%")]),  # 至: the level reached, not a change
        ("满意度提高到95%", [("PERCENT", "95%", 95, "%")]),
        ("降幅为4.5%", [("PERCENT", "4.5%", 4.5, "%", DOWN)]),
        ("完成预算的90.6%", [("PERCENT", "90.6%", 90.6, "%")]),
        ("上升了百分之二", [("PERCENT", "百分之二", 2, "%", UP)]),
    ),
    # financial capitals
    *_forms(
        "financial",
        ("合同金额壹万贰仟元整", [("MONEY", "壹万贰仟元整", 12_000, "元")]),
        ("支付伍仟元", [("MONEY", "伍仟元", 5_000, "元")]),
        ("奖金拾万零五十六元", [("MONEY", "拾万零五十六元", 100_056, "元")]),
        ("中标价贰佰叁拾肆万元", [("MONEY", "贰佰叁拾肆万元", 2_340_000, "元")]),
        ("大写：叁仟伍佰元整", [("MONEY", "叁仟伍佰元整", 3_500, "元")]),
        ("计人民币捌拾万元整", [("MONEY", "捌拾万元整", 800_000, "元")]),
        ("预付玖仟玖佰玖拾元", [("MONEY", "玖仟玖佰玖拾元", 9_990, "元")]),
        ("金额壹佰元", [("MONEY", "壹佰元", 100, "元")]),
        ("合计陆万柒仟元", [("MONEY", "陆万柒仟元", 67_000, "元")]),
        ("退款肆拾伍点伍元", [("MONEY", "肆拾伍点伍元", 45.5, "元")]),
        ("加强干部队伍人员管理", []),  # 伍 in 队伍 is no numeral
        ("壹亿零伍佰万元", [("MONEY", "壹亿零伍佰万元", 105_000_000, "元")]),
    ),
    # 百分之, 千分之, 万分之, ‰ and 成
    *_forms(
        "percent_words",
        ("增长百分之2.4", [("PERCENT", "百分之2.4", 2.4, "%", UP)]),
        ("达到百分之五 十", [("PERCENT", "百分之五 十", 50, "%")]),
        ("差错率控制在千分之三以内", [("PERCENT", "千分之三", 0.3, "%", {"qualifier": "以内"})]),
        ("误差万分之一", [("PERCENT", "万分之一", 0.01, "%")]),
        ("受害率1‰以内", [("PERCENT", "1‰", 0.1, "%", {"qualifier": "以内"})]),
        ("完成百分之一百", [("PERCENT", "百分之一百", 100, "%")]),
        ("覆盖率达到百分之百", [("PERCENT", "百分之百", 100, "%")]),
        ("占比百分之一百二十点五", [("PERCENT", "百分之一百二十点五", 120.5, "%")]),
        ("群众满意度达九成以上", [("PERCENT", "九成", 90, "%", {"qualifier": "以上"})]),
        ("完成率为百分之９５", [("PERCENT", "百分之９５", 95, "%")]),
        ("损耗率千分之2.5", [("PERCENT", "千分之2.5", 0.25, "%")]),
        ("资金到位率百分之98.5", [("PERCENT", "百分之98.5", 98.5, "%")]),
        ("发生率0.05‰", [("PERCENT", "0.05‰", 0.005, "%")]),
        ("五百分之二的抽检比例", []),  # a fraction, not a percentage
        ("合格率达到8成", [("PERCENT", "8成", 80, "%")]),
        ("一成不变的做法", []),
        ("形成合力", []),
        ("百分之二三十", []),  # approximate, no single figure
        ("占比佰分之贰拾", [("PERCENT", "佰分之贰拾", 20, "%")]),
    ),
    # PDF letter-spacing and line breaks inside numerals and units
    *_forms(
        "spacing",
        ("支出一百 五 十 二元", [("MONEY", "一百 五 十 二元", 152, "元")]),
        ("提高16.7个百分\n点", [("PERCENT", "16.7个百分\n点", 16.7, "百分点", UP)]),
        ("达到百 分 之 九十", [("PERCENT", "百 分 之 九十", 90, "%")]),
        ("下降 2.4 个 百 分 点", [("PERCENT", "2.4 个 百 分 点", 2.4, "百分点", DOWN)]),
        ("资金1,519.36\n\n万元", [("MONEY", "1,519.36\n\n万元", 15_193_600, "元")]),
        ("实际支出1860.77万\n元", [("MONEY", "1860.77万\n元", 18_607_700, "元")]),
        ("执行率97.\n8%", [("PERCENT", "97.\n8%", 97.8, "%")]),
        ("投入三千 五百万元", [("MONEY", "三千 五百万元", 35_000_000, "元")]),
        ("完成百分之一 点五", [("PERCENT", "百分之一 点五", 1.5, "%")]),
        ("培训 1634\n人次", [("COUNT", "1634\n人次", 1_634, "人次")]),
        ("资金 12.5 万 元", [("MONEY", "12.5 万 元", 125_000, "元")]),
        ("共 八 千 元", [("MONEY", "八 千 元", 8_000, "元")]),
        ("提高一 点 五个百分点", [("PERCENT", "一 点 五个百分点", 1.5, "百分点", UP)]),
        ("执行数 2,054.25\u3000万元", [("MONEY", "2,054.25\u3000万元", 20_542_500, "元")]),
    ),
    # ￥ / ¥ before the amount
    *_forms(
        "currency_symbol",
        ("合同价￥3,500.00", [("MONEY", "￥3,500.00", 3_500, "元")]),
        ("报销￥300", [("MONEY", "￥300", 300, "元")]),
        ("单价¥45.5", [("MONEY", "¥45.5", 45.5, "元")]),
        ("总价 ￥ 12,000 元", [("MONEY", "￥ 12,000 元", 12_000, "元")]),
        ("￥1.2万元", [("MONEY", "￥1.2万元", 12_000, "元")]),
        ("￥0.50", [("MONEY", "￥0.50", 0.5, "元")]),
    ),
    # ranges: two values, the first takes the second's unit (ANNOTATION.md section 7)
    *_forms(
        "range",
        ("满意度10-20%", [("PERCENT", "10", 10, "%"), ("PERCENT", "20%", 20, "%")]),
        ("开展督导3-5次", [("COUNT", "3", 3, "次"), ("COUNT", "5次", 5, "次")]),
        ("增幅20%-30%", [("PERCENT", "20%", 20, "%", UP), ("PERCENT", "30%", 30, "%", UP)]),
        ("补助10~20万元", [("MONEY", "10", 100_000, "元"), ("MONEY", "20万元", 200_000, "元")]),
        ("召开会议4至6次", [("COUNT", "4", 4, "次"), ("COUNT", "6次", 6, "次")]),
        ("每组3到5人", [("COUNT", "3", 3, "人"), ("COUNT", "5人", 5, "人")]),
        ("比例10–15%", [("PERCENT", "10", 10, "%"), ("PERCENT", "15%", 15, "%")]),
        ("得分80—90分", [("SCORE", "80", 80, "分"), ("SCORE", "90分", 90, "分")]),
        ("区间100-80%", [("PERCENT", "100", 100, "%"), ("PERCENT", "80%", 80, "%")]),
        ("提高1-2个百分点", [("PERCENT", "1", 1, "百分点", UP), ("PERCENT", "2个百分点", 2, "百分点", UP)]),
        ("补贴0.5～1万元", [("MONEY", "0.5", 5_000, "元"), ("MONEY", "1万元", 10_000, "元")]),
        ("5%~10%的幅度", [("PERCENT", "5%", 5, "%"), ("PERCENT", "10%", 10, "%")]),
        ("每年三至五次", [("COUNT", "三", 3, "次"), ("COUNT", "五次", 5, "次")]),
        ("50万元-100万元", [("MONEY", "50万元", 500_000, "元"), ("MONEY", "100万元", 1_000_000, "元")]),
        ("执行期2021-2023年", []),
        ("联系电话0755-8812345", []),
        ("72.45 — 94.95%", [("PERCENT", "94.95%", 94.95, "%")]),  # a spaced dash: an empty cell
    ),
    # scores written in Chinese numerals
    *_forms(
        "cn_score",
        ("自评得分：九十五分", [("SCORE", "九十五分", 95, "分")]),
        ("综合评分为八十八分", [("SCORE", "八十八分", 88, "分")]),
        ("扣二分", [("SCORE", "二分", 2, "分")]),
        ("总分一百分", [("SCORE", "一百分", 100, "分")]),
        ("自评结果为九十八点一分", [("SCORE", "九十八点一分", 98.1, "分")]),
        ("这项工作十分重要", []),
        ("三分之一的资金", []),
        ("万分感谢", []),
        ("得分 90 分", [("SCORE", "90 分", 90, "分")]),
    ),
    # what only looks like a value
    *_forms(
        "not_value",
        ("实现两位数增长", []),
        ("央行存单5306亿台币", []),
        ("建立一个长效机制", []),
        ("花费15美元", []),
        ("兑换1.95港元", []),
        ("单位工作总结报告(精选8篇)", []),
        ("下设综合一处、综合二处、综合三处", []),
        ("设综合一科、综合二科", []),
        ("统一部署", []),
        ("一一对应", []),
        ("万一发生", []),
        ("第三次会议", []),
        ("十四五规划", []),
        ("2023年5月", []),
        ("00万元", []),  # a leading zero: not an amount
        ("开展了两三次", []),  # approximate, no single figure
        ("每人每月最高800元", [("MONEY", "800元", 800, "元")]),
        ("采购发电机一套26.4万元", [("COUNT", "一套", 1, "套"), ("MONEY", "26.4万元", 264_000, "元")]),
        ("已建酒窖一间，12个发酵池", [("COUNT", "一间", 1, "间"), ("COUNT", "12个", 12, "个")]),
        ("元旦期间", []),
        ("几十万元的投入", []),  # vague: no figure
        ("数百万元资金", []),
        ("上千人参加", [("COUNT", "千人", 1_000, "人", APPROX)]),
        ("历时两个多月", []),  # a duration
    ),
    # issue 17: numbers stay sane
    *_forms(
        "sanity",
        ("9" * 400 + "万元", []),
        ("资金25867048719552亿元", []),
        ("收入9175.28亿元", [("MONEY", "9175.28亿元", 917_528_000_000, "元")]),
        ("投入1\u200b00万元", [("MONEY", "1\u200b00万元", 1_000_000, "元")]),
        ("投入1\u00a000万元", []),  # NBSP splits the number; 00万元 is not an amount
        ("资金0.29万元", [("MONEY", "0.29万元", 2_900, "元")]),
        ("资金1.15万元", [("MONEY", "1.15万元", 11_500, "元")]),
        ("支出2.3亿元", [("MONEY", "2.3亿元", 230_000_000, "元")]),
        ("单价0.2587万元", [("MONEY", "0.2587万元", 2_587, "元")]),
        ("投资1975.775万元", [("MONEY", "1975.775万元", 19_757_750, "元")]),
        ("共1.23456789万元", [("MONEY", "1.23456789万元", 12_345.68, "元")]),  # to the fen
        ("共计2,000,000,000,000,000元", []),
        ("执行率12345678901234567890%", []),
        ("5\u200b3\u200b0次", [("COUNT", "5\u200b3\u200b0次", 530, "次")]),
    ),
    # traditional characters
    *_forms(
        "traditional",
        ("撥款壹萬貳仟元", [("MONEY", "壹萬貳仟元", 12_000, "元")]),
        ("預算1,200萬元", [("MONEY", "1,200萬元", 12_000_000, "元")]),
        ("提高2.4個百分點", [("PERCENT", "2.4個百分點", 2.4, "百分点", UP)]),
        ("投資3.5億元", [("MONEY", "3.5億元", 350_000_000, "元")]),
        ("兩千元", [("MONEY", "兩千元", 2_000, "元")]),
        ("成長率負2%", [("PERCENT", "負2%", -2, "%")]),
        ("服務12個社區", [("COUNT", "12個", 12, "个")]),
        ("資金陸拾萬元", [("MONEY", "陸拾萬元", 600_000, "元")]),
    ),
    # yuan, jiao and fen
    *_forms(
        "yuan_jiao",
        ("每份五元三角", [("MONEY", "五元三角", 5.3, "元")]),
        ("单价3元5角", [("MONEY", "3元5角", 3.5, "元")]),
        ("票价2元5角6分", [("MONEY", "2元5角6分", 2.56, "元")]),
        ("收费十元", [("MONEY", "十元", 10, "元")]),
    ),
    # forms that already worked: the grammar must keep them
    *_forms(
        "established",
        ("年度预算 2054.25 万元", [("MONEY", "2054.25 万元", 20_542_500, "元")]),
        ("总额３，０８９.８万元", [("MONEY", "３，０８９.８万元", 30_898_000, "元")]),
        ("完成预算的 90.6%。", [("PERCENT", "90.6%", 90.6, "%")]),
        ("满意度９５％", [("PERCENT", "９５％", 95, "%")]),
        ("较去年提高 13.%，", [("PERCENT", "13.%", 13, "%", UP)]),
        ("提高 2.64个百分点", [("PERCENT", "2.64个百分点", 2.64, "百分点", UP)]),
        ("达到百分之九十五", [("PERCENT", "百分之九十五", 95, "%")]),
        ("召开常委会会议 13次", [("COUNT", "13次", 13, "次")]),
        ("任免国家机关工作人员 119 名", [("COUNT", "119 名", 119, "名")]),
        ("收集反馈意见建议 100余条", [("COUNT", "100余条", 100, "条", APPROX)]),
        ("各类综合性文稿350多篇", [("COUNT", "350多篇", 350, "篇", APPROX)]),
        ("抓实十件民生实事", [("COUNT", "十件", 10, "件")]),
        ("服务 1.2万人次", [("COUNT", "1.2万人次", 12_000, "人次")]),
        ("自评结果为 98.1分，", [("SCORE", "98.1分", 98.1, "分")]),
        ("投资 1.2亿元，其中 350千元、800元", [
            ("MONEY", "1.2亿元", 120_000_000, "元"), ("MONEY", "350千元", 350_000, "元"), ("MONEY", "800元", 800, "元"),
        ]),
        ("项目预算50万，实际支出48.6万。", [("MONEY", "50万", 500_000, "元"), ("MONEY", "48.6万", 486_000, "元")]),
        ("市级资金175.48万(一般公共预算)", [("MONEY", "175.48万", 1_754_800, "元")]),
        ("满意度≥90%", [("PERCENT", "90%", 90, "%", {"qualifier": "≥"})]),
        ("接收来文约2860件", [("COUNT", "2860件", 2_860, "件", APPROX)]),
        ("派车6.8万车次", [("COUNT", "6.8万车次", 68_000, "车次")]),
        ("金额单位：万元\n年初预算数：580.00", [("MONEY", "580.00", 5_800_000, "元")]),
        ("单位：元\n金额：5000", [("MONEY", "5000", 5_000, "元")]),
        ("执行数为326.9万元，结余1.6。", [("MONEY", "326.9万元", 3_269_000, "元"), ("MONEY", "1.6", 16_000, "元")]),
        ("安全事故发生次数为0。", [("COUNT", "0", 0, "次")]),
        ("资产总额1,236.8\n— 5 —\n万元", [("MONEY", "1,236.8\n— 5 —\n万元", 12_368_000, "元")]),
        ("火灾发生率6.5次/10万公顷", [("COUNT", "6.5次", 6.5, "次")]),
        ("标准为583元/人*月", [("MONEY", "583元", 583, "元")]),
        ("每低于5%扣0.5分", [("PERCENT", "5%", 5, "%"), ("SCORE", "0.5分", 0.5, "分")]),
    ),
]


def found(text: str) -> list[tuple[Any, ...]]:
    """The values the rule layer finds in ``text``, as ``(label, span, value, unit)``."""
    from perfeval.tables import find_values

    return [(v.label, text[v.start:v.end], v.value, v.unit) for v in find_values(text)]


def failure(form: Form) -> str | None:
    """Why ``form`` fails (None when it passes): values found, their normalised values, attributes."""
    from perfeval.tables import find_values

    try:
        values = find_values(form.text)
    except Exception as error:  # noqa: BLE001 - a crash is a failure of the case, reported as such
        return f"raised {error!r}"
    got = [(v.label, form.text[v.start:v.end], v.value, v.unit) for v in values]
    want = [tuple(e[:4]) for e in form.values]
    if got != want or any(type(g[2]) is float and g[2].is_integer() for g in got):
        return f"found {got}, want {want}"
    for v, expected in zip(values, form.values):
        for attr, value in (expected[4] if len(expected) > 4 else {}).items():
            if getattr(v, attr, None) != value:
                return f"{form.text[v.start:v.end]!r}: {attr} is {getattr(v, attr, None)!r}, want {value!r}"
    return None


def main(verbose: bool = False) -> None:
    """Print passes per class; ``verbose`` also lists each failing case and why."""
    by_class: dict[str, list[int]] = {}
    for form in FORMS:
        passed, total = by_class.setdefault(form.cls, [0, 0])
        why = failure(form)
        if verbose and why:
            print(f"{form.cls}: {form.text[:60]!r}: {why}")
        by_class[form.cls] = [passed + (why is None), total + 1]
    width = max(map(len, by_class))
    for cls, (passed, total) in by_class.items():
        print(f"{cls:<{width}}  {passed:>3} / {total:<3}")
    print(f"{'all':<{width}}  {sum(p for p, _ in by_class.values()):>3} / {len(FORMS):<3}")


if __name__ == "__main__":
    import sys

    main(verbose="-v" in sys.argv[1:])
