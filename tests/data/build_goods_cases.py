"""Writes tests/data/goods_cases.jsonl: labelled goods descriptions for the [controls] classifier.

Each case: id, kind (seed / enforcement / product / rule / lookalike), description, optional
hs_code / params / end_use / end_user / destination, `expected` (acceptable EU/CCL codes, the
first is the primary; empty for items on no list), `controlled` (on a list as described or
possibly, pending parameters), `catch_all` (expected when end use/user/destination are given)
and `source` (where the facts come from). Rule cases take their numbers from the threshold of the
list text (a value on one side of it), not from a product datasheet.

Run: .venv/bin/python tests/data/build_goods_cases.py
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).with_name("goods_cases.jsonl")

SEED0 = "shared/seeds/000 (cable: Syrian firm seeking Sokkia NET1200 3D coordinate measurement systems)"
SEED4 = "shared/seeds/004 (cable 09BEIJING724: LIMMT flow-forming machine 3GFF-700 for Shahid Bakeri Industrial Group)"
CHENG = "https://www.justice.gov/usao-ma/pr/extradited-chinese-national-guilty-supplying-iran-goods-used-make-nuclear-weapons-grade"
CHENG_722 = "https://www.iranwatch.org/our-publications/international-enforcement-actions/chinese-man-convicted-charges-exporting-us-origin-pressure-transducers-iran"
HU = "https://www.kcl.ac.uk/news/chinese-citizens-involvement-in-the-supply-of-mks-pressure-transducers-to-iran"
MATTSON = (
    "https://prod-appfeeds.intoday.in/india/north/story/us-firm-fined-over-nuclear-gear-sale-to-iran-103551-2012-05-27"
)
KHAKI = "http://www.iranpressnews.com/english/source/127782.html"
KHAKI2 = "http://newstop24blog.blogspot.com/2012/07/plot-to-beat-iran-nuclear-embargo.html"
POURGHANNAD = "https://www.compositestoday.com/2019/11/iranian-businessman-pleads-guilty-to-illegally-exporting-carbon-fibre-to-iran/"
GROMACKI = "http://projectalpha.eu/carbon-fibre-to-iran/"
KARNI = "http://www.globalsecurity.org/org/news/2004/040113-nuke-arrest.htm"
KARNI2 = "https://www.orfonline.org/research/pakistans-nuclear-tango"
MDA = "https://internationaltradetoday.com/article/2021/05/04/bis-fines-california-machinery-company-for-illegal-export-to-uae-2105030028"
HAAS = "https://exportcompliancedaily.com./article/2025/01/21/us-machine-tool-maker-fined-for-sales-to-restricted-entities-in-china-russia-2501170065"
LIMMT_NYT = "https://iranfocus.com/nuclear/17546-indictment-says-banned-materials-sold-to-iran/"
QIAO = "https://elbalad.news/5770353 (US charges against Qiao Xiangjiang: isostatic graphite for Iran's ICBM guidance)"
RADHARD = "http://www.justice.gov/usao/vae/news/2011/09/20110930Chinesenr.html"
HIP_BE = "https://inteltoday.org/2018/05/01/flashback-when-belgium-exported-nuke-tech-to-iran/"
FIVE_AXIS = (
    "http://tradelawnews.blogspot.com/2009/07/bis-publishes-critical-technology.html"
    " (five-axis mills 2B001.b.2, grinders 2B001.c.2)"
)


def rule(code: str, what: str) -> str:
    return f"CCL/EU Annex I {code} text ({what}); value chosen on the stated side of the threshold"


def lookalike(why: str) -> str:
    return f"uncontrolled look-alike: {why}"


CASES: list[dict[str, object]] = [
    # --- the seed documents
    dict(
        kind="seed",
        description="3GFF-700 cold flow forming machine",
        hs_code="846390",
        expected=["2B009", "2B109", "2B209"],
        controlled=True,
        source=SEED4,
    ),
    dict(
        kind="seed",
        description="NET1200 3D coordinate measurement system with theodolites",
        expected=["2B006", "2B206"],
        controlled=True,
        source=SEED0,
    ),
    dict(
        kind="seed",
        description="NET1200 3D coordinate measurement system with theodolites",
        end_use="missile development",
        destination="SY",
        expected=["2B006", "2B206"],
        controlled=True,
        catch_all=True,
        source=SEED0,
    ),
    dict(
        kind="seed",
        description="flow-forming machine for rocket motor cases, CNC",
        end_user="Shahid Bakeri Industrial Group",
        destination="IR",
        expected=["2B109", "2B009", "2B209"],
        controlled=True,
        catch_all=True,
        source=SEED4,
    ),
    dict(
        kind="seed",
        description="3D coordinate measuring system for industrial metrology",
        destination="SY",
        expected=["2B006", "2B206"],
        controlled=True,
        catch_all=True,
        source=SEED0,
    ),
    # --- enforcement cases
    dict(
        kind="enforcement",
        description="MKS Baratron 722A absolute pressure transducers",
        expected=["2B230"],
        controlled=True,
        source=CHENG_722,
    ),
    dict(
        kind="enforcement",
        description="US-made pressure transducers for gas pressure measurement, 1,185 units",
        destination="IR",
        expected=["2B230"],
        controlled=True,
        catch_all=True,
        source=CHENG,
    ),
    dict(
        kind="enforcement",
        description="capacitance manometers, corrosion resistant, MKS",
        expected=["2B230"],
        controlled=True,
        source=HU,
    ),
    dict(
        kind="enforcement",
        description="pressure transducers for semiconductor process equipment",
        expected=["2B230"],
        controlled=True,
        source=MATTSON,
    ),
    dict(
        kind="enforcement",
        description="C-350 maraging steel, 20 tons",
        expected=["1C116", "1C216"],
        controlled=True,
        source=KHAKI,
    ),
    dict(
        kind="enforcement",
        description="7075-T6 aluminum alloy rods, 150 mm diameter",
        expected=["1C202"],
        controlled=True,
        source=KHAKI,
    ),
    dict(
        kind="enforcement",
        description="mass spectrometers and vacuum system equipment",
        expected=["3A233", "2B231"],
        controlled=True,
        source=KHAKI2,
    ),
    dict(
        kind="enforcement",
        description="carbon fiber, declared as acrylic fiber",
        destination="IR",
        expected=["1C010", "1C210"],
        controlled=True,
        catch_all=True,
        source=POURGHANNAD,
    ),
    dict(
        kind="enforcement",
        description="carbon fibre for aerospace composites",
        expected=["1C010", "1C210"],
        controlled=True,
        source=GROMACKI,
    ),
    dict(
        kind="enforcement",
        description="triggered spark gaps for lithotripters",
        expected=["3A228"],
        controlled=True,
        source=KARNI,
    ),
    dict(
        kind="enforcement",
        description="spark gaps, PerkinElmer, 200 pieces",
        destination="PK",
        expected=["3A228"],
        controlled=True,
        source=KARNI2,
    ),
    dict(
        kind="enforcement",
        description="five-axis benchtop milling machine",
        expected=["2B201", "2B001"],
        controlled=True,
        source=MDA,
    ),
    dict(
        kind="enforcement",
        description="tungsten and high-strength steels for engine nozzles",
        expected=["1C117", "1C226"],
        controlled=True,
        source=LIMMT_NYT,
    ),
    dict(
        kind="enforcement",
        description="isostatic graphite blocks",
        destination="IR",
        expected=["1C107", "0C004"],
        controlled=True,
        catch_all=True,
        source=QIAO,
    ),
    dict(
        kind="enforcement",
        description="radiation-hardened programmable read-only memory microchips",
        expected=["3A001", "9A515"],
        controlled=True,
        source=RADHARD,
    ),
    dict(
        kind="enforcement",
        description="hot isostatic press for research",
        destination="IR",
        expected=["2B004", "2B204", "2B104"],
        controlled=True,
        catch_all=True,
        source=HIP_BE,
    ),
    dict(
        kind="enforcement",
        description="five-axis simultaneous control grinding machine",
        expected=["2B001", "2B201"],
        controlled=True,
        source=FIVE_AXIS,
    ),
    # --- products and list-rule cases (controlled or possibly controlled)
    dict(
        kind="rule",
        description="industrial theodolite with 0.5 arc second angular accuracy",
        expected=["2B006"],
        controlled=True,
        source=rule("2B006.c", "angular position accuracy <= 0.9 second of arc"),
    ),
    dict(
        kind="rule",
        description="rotary encoder for machine tools, angular accuracy 0,5 arc sec",
        expected=["2B006"],
        controlled=True,
        source=rule("2B006.c", "rotary position feedback units <= 0.9 second of arc"),
    ),
    dict(
        kind="rule",
        description="CNC coordinate measuring machine",
        params={"mpe": "1.2 um", "L": "300 mm"},
        expected=["2B006", "2B206"],
        controlled=True,
        source=rule("2B006.a", "E0,MPE <= (1.7 + L/1000) µm"),
    ),
    dict(
        kind="rule",
        description="CMM bridge type with contact probe",
        expected=["2B006", "2B206"],
        controlled=True,
        source=rule("2B006.a and 2B206.a", "coordinate measuring machines"),
    ),
    dict(
        kind="product",
        description="laser tracker for large-volume 3D measurement",
        expected=["2B006", "2B206"],
        controlled=True,
        source="Product type: laser trackers (e.g. Leica Absolute Tracker line); "
        "2B006.b.3 / 2B206.c laser measuring systems",
    ),
    dict(
        kind="rule",
        description="flow forming machine with 3 rollers and CNC, 4 axes, roller force 150 kN",
        expected=["2B009", "2B109", "2B209"],
        controlled=True,
        source=rule("2B009", ">= 3 contouring axes and roller force > 60 kN; 2B209.a >= 3 rollers"),
    ),
    dict(
        kind="rule",
        description="CNC spin forming machine, 3 axes, roller force 100 kN",
        expected=["2B009"],
        controlled=True,
        source=rule("2B009", "spin-forming machines, >= 3 axes, roller force > 60 kN"),
    ),
    dict(
        kind="rule",
        description="shear forming machine for tubes",
        hs_code="8463",
        expected=["2B009", "2B109", "2B209"],
        controlled=True,
        source=rule("2B009/2B109/2B209", "flow-forming (shear forming) machines"),
    ),
    dict(
        kind="rule",
        description="tube spinning machine, numerically controlled",
        expected=["2B009", "2B109", "2B209"],
        controlled=True,
        source=rule("2B009/2B109/2B209", "flow-forming (tube spinning) machines"),
    ),
    dict(
        kind="rule",
        description="filament winding machine for carbon fibre rocket motor cases",
        expected=["1B001", "1B101", "1B201"],
        controlled=True,
        source=rule("1B001.a/1B101.a/1B201", "filament winding machines"),
    ),
    dict(
        kind="rule",
        description="filament winder, 4 axes CNC, for composite pressure vessels",
        expected=["1B001", "1B101", "1B201"],
        controlled=True,
        source=rule("1B001.a", "filament winding machines with >= 3 axes"),
    ),
    dict(
        kind="rule",
        description="maraging steel 18Ni(300) tube, tensile strength 2.0 GPa",
        expected=["1C216", "1C116"],
        controlled=True,
        source=rule("1C216", "maraging steel capable of >= 1,950 MPa"),
    ),
    dict(
        kind="rule",
        description="maraging steel sheet 3 mm thick, tensile strength 1.8 GPa aged",
        expected=["1C116", "1C216"],
        controlled=True,
        source=rule("1C116", ">= 1.5 GPa precipitation hardened, sheet <= 5 mm"),
    ),
    dict(
        kind="product",
        description="VascoMax C-300 bar stock",
        expected=["1C116", "1C216"],
        controlled=True,
        source="Product: VascoMax C-300 (18% Ni maraging steel grade); 1C116/1C216 maraging steel",
    ),
    dict(
        kind="rule",
        description="fibre optic gyro, bias stability 0.01 deg/h",
        expected=["7A002", "7A102"],
        controlled=True,
        source=rule("7A002", "gyros with bias stability thresholds"),
    ),
    dict(
        kind="product",
        description="ring laser gyro for aircraft navigation",
        expected=["7A002", "7A102"],
        controlled=True,
        source="Product type: ring laser gyros; 7A002 gyros",
    ),
    dict(
        kind="product",
        description="inertial measurement unit, navigation grade, for aircraft",
        expected=["7A003", "7A103"],
        controlled=True,
        source="Product type: IMU; 7A003 inertial measurement equipment",
    ),
    dict(
        kind="product",
        description="IMU for missile guidance",
        expected=["7A103", "7A003"],
        controlled=True,
        source="7A103 inertial equipment for missiles (MTCR)",
    ),
    dict(
        kind="product",
        description="quartz servo accelerometer for inertial navigation",
        expected=["7A001", "7A101"],
        controlled=True,
        source="Product type: quartz servo accelerometers (e.g. Honeywell Q-Flex line); 7A001.a.3",
    ),
    dict(
        kind="rule",
        description="frequency changer with multiphase output 600 to 2000 Hz for centrifuge motors",
        expected=["3A225", "0B001"],
        controlled=True,
        source=rule("3A225", "frequency changers, multiphase output 600-2000 Hz"),
    ),
    dict(
        kind="product",
        description="image intensifier tubes, third generation, for night vision",
        expected=["6A002", "0A504"],
        controlled=True,
        source="Product type: Gen 3 image intensifier tubes; 6A002.a.2",
    ),
    dict(
        kind="product",
        description="cooled infrared focal plane array camera, 3-5 micron",
        expected=["6A003", "6A002", "6A993"],
        controlled=True,
        source="6A002.a.3 infrared focal plane arrays; 6A003.b.4 cameras",
    ),
    dict(
        kind="product",
        description="streak camera for high-speed photography",
        expected=["6A003", "6A203"],
        controlled=True,
        source="6A003.a.3 mechanical and electronic streak cameras; 6A203.a streak cameras (NSG)",
    ),
    dict(
        kind="product",
        description="unmanned aerial vehicle with 300 km range and autonomous flight control",
        expected=["9A012", "9A120", "9A610"],
        controlled=True,
        source="9A012 UAVs; 9A120 MTCR UAV payload/range",
    ),
    dict(
        kind="product",
        description="mass spectrometer with ion source for uranium hexafluoride",
        expected=["3A233"],
        controlled=True,
        source="3A233 mass spectrometers (NSG), UF6 ion sources",
    ),
    dict(
        kind="rule",
        description="hot isostatic press with 250 mm chamber, 207 MPa",
        expected=["2B004", "2B204", "2B104"],
        controlled=True,
        source=rule("2B004/2B204", "isostatic presses, chamber cavity and pressure thresholds"),
    ),
    dict(
        kind="product",
        description="5-axis machining center with simultaneous contouring control",
        expected=["2B001", "2B201"],
        controlled=True,
        source="2B001.b milling machine tools with contouring control",
    ),
    dict(
        kind="product",
        description="CNC turning centre, positioning accuracy 4 um",
        expected=["2B001", "2B201"],
        controlled=True,
        source="2B001.a turning machine tools; 2B201.b",
    ),
    dict(
        kind="product",
        description="CNC jig grinder",
        expected=["2B001", "2B201"],
        controlled=True,
        source="2B001.c grinding machine tools (jig grinders are named in its notes)",
    ),
    dict(
        kind="product",
        description="wire EDM machine with 5 axes",
        expected=["2B001"],
        controlled=True,
        source="2B001.d electrical discharge machines",
    ),
    dict(
        kind="product",
        description="fermenter 100 litre, steam sterilisable in place, contained",
        expected=["2B352"],
        controlled=True,
        source="2B352.b fermenters (Australia Group)",
    ),
    dict(
        kind="product",
        description="class III biological safety cabinet",
        expected=["2B352"],
        controlled=True,
        source="2B352.d class III biological safety cabinets",
    ),
    dict(
        kind="product",
        description="continuous flow centrifugal separator, steam sterilisable",
        expected=["2B352"],
        controlled=True,
        source="2B352.c centrifugal separators",
    ),
    dict(
        kind="product",
        description="freeze dryer, steam sterilisable, 15 kg ice capacity",
        expected=["2B352"],
        controlled=True,
        source="2B352.f freeze-drying equipment",
    ),
    dict(
        kind="product",
        description="thiodiglycol, 500 kg drums",
        expected=["1C350"],
        controlled=True,
        source="1C350 chemical weapons precursors (thiodiglycol is listed)",
    ),
    dict(
        kind="product",
        description="triethanolamine 99%",
        expected=["1C350"],
        controlled=True,
        source="1C350 chemical weapons precursors (triethanolamine is listed)",
    ),
    dict(
        kind="product",
        description="hydrogen fluoride anhydrous",
        expected=["1C350"],
        controlled=True,
        source="1C350 chemical weapons precursors (hydrogen fluoride is listed)",
    ),
    dict(
        kind="product",
        description="ammonium perchlorate oxidizer, 5 tonnes",
        hs_code="282990",
        expected=["1C111"],
        controlled=True,
        source="1C111 propellants and constituents (ammonium perchlorate)",
    ),
    dict(
        kind="product",
        description="tungsten alloy cylinders for spin forming mandrels",
        expected=["1C117", "1C226"],
        controlled=True,
        source="1C117 / 1C226 tungsten",
    ),
    dict(
        kind="product",
        description="hafnium metal sponge",
        expected=["1C231"],
        controlled=True,
        source="1C231 hafnium metal",
    ),
    dict(
        kind="product",
        description="beryllium metal plates",
        expected=["1C230"],
        controlled=True,
        source="1C230 beryllium metal",
    ),
    dict(
        kind="product",
        description="nuclear grade graphite with boron content below 5 ppm",
        expected=["0C004", "1C107"],
        controlled=True,
        source="0C004 nuclear-grade graphite",
    ),
    dict(
        kind="product",
        description="helium-3 gas cylinder",
        expected=["1C232"],
        controlled=True,
        source="1C232 helium-3",
    ),
    dict(
        kind="product",
        description="lithium enriched in lithium-6",
        expected=["1C233"],
        controlled=True,
        source="1C233 lithium enriched in the 6 isotope",
    ),
    dict(kind="product", description="tritium gas", expected=["1C235"], controlled=True, source="1C235 tritium"),
    dict(
        kind="product",
        description="gas centrifuge rotor tubes of carbon fibre composite",
        expected=["0B001"],
        controlled=True,
        source="0B001.c gas centrifuge rotor assemblies (NSG Trigger List)",
    ),
    dict(
        kind="product",
        description="GNSS receiver designed for use at speeds above 600 m/s",
        expected=["7A105", "7A005"],
        controlled=True,
        source="7A105 / 7A005 satellite navigation receivers",
    ),
    dict(
        kind="product",
        description="composite rocket motor case, filament wound",
        expected=["9A110", "9A106"],
        controlled=True,
        source="9A110 composite structures for missiles; 9A106",
    ),
    dict(
        kind="product",
        description="servo valves for thrust vector control of rocket motors",
        expected=["9A106"],
        controlled=True,
        source="9A106.c thrust vector control sub-systems",
    ),
    dict(
        kind="product",
        description="electrodynamic vibration test system with 50 kN force",
        expected=["2B116", "9B106"],
        controlled=True,
        source="2B116 vibration test systems (MTCR)",
    ),
    dict(
        kind="product",
        description="Bacillus anthracis strain culture",
        expected=["1C351"],
        controlled=True,
        source="1C351 human pathogens (Bacillus anthracis is listed)",
    ),
    dict(
        kind="product", description="ricin toxin", expected=["1C351"], controlled=True, source="1C351.d toxins (ricin)"
    ),
    dict(
        kind="product",
        description="EUV lithography scanner for semiconductor wafers",
        expected=["3B001"],
        controlled=True,
        source="3B001.f lithography equipment",
    ),
    dict(
        kind="product",
        description="data center GPU AI accelerator integrated circuits",
        expected=["3A090"],
        controlled=True,
        source="3A090 advanced computing integrated circuits (CCL)",
    ),
    dict(
        kind="product",
        description="continuous wave fiber laser, 10 kW output power",
        expected=["6A005"],
        controlled=True,
        source="6A005 lasers (CW output power thresholds)",
    ),
    dict(
        kind="product",
        description="towed hydrophone array for submarine detection",
        expected=["6A001"],
        controlled=True,
        source="6A001.a.2 towed acoustic hydrophone arrays",
    ),
    dict(
        kind="product",
        description="network encryption appliance with 256-bit symmetric cryptography",
        expected=["5A002", "5A992"],
        controlled=True,
        source="5A002 information security (cryptography)",
    ),
    dict(
        kind="product",
        description="riflescope with illuminated reticle",
        expected=["0A504"],
        controlled=True,
        source="0A504 optical sighting devices for firearms (CCL)",
    ),
    dict(
        kind="product",
        description="bellows-sealed valves of aluminium for uranium hexafluoride",
        expected=["2A226", "0B001"],
        controlled=True,
        source="2A226 valves (NSG), UF6-resistant bellows valves",
    ),
    dict(
        kind="product",
        description="vacuum pump with 40 cm throat and 20 m3/s pumping speed",
        expected=["2B231"],
        controlled=True,
        source=rule("2B231", "throat >= 38 cm and pumping speed >= 15 m3/s"),
    ),
    dict(
        kind="product",
        description="remote manipulators for hot cells, master-slave",
        expected=["2B225"],
        controlled=True,
        source="2B225 remote manipulators (NSG)",
    ),
    # --- uncontrolled look-alikes
    dict(
        kind="lookalike",
        description="construction total station with 5 arc second angle accuracy",
        expected=[],
        controlled=False,
        source=lookalike("above the 0.9 second-of-arc threshold of 2B006.c (CCL/EU text)"),
    ),
    dict(
        kind="lookalike",
        description="autocollimator for optical alignment of mirrors",
        expected=[],
        controlled=False,
        source=lookalike("the note to 2B006.c excludes autocollimators (CCL/EU text)"),
    ),
    dict(
        kind="lookalike",
        description="coordinate measuring machine",
        params={"mpe": "5 um", "L": "500 mm"},
        expected=[],
        controlled=False,
        source=lookalike(
            "E0,MPE 5 µm at L = 500 mm is worse than 2B006.a (2.2 µm), 2B206.a (2.33 µm) and 2B996 (4.67 µm)"
        ),
    ),
    dict(
        kind="lookalike",
        description="manual vernier caliper 150 mm",
        hs_code="901730",
        expected=[],
        controlled=False,
        source=lookalike("hand measuring instrument, HS 9017.30; no CCL or Annex I entry"),
    ),
    dict(
        kind="lookalike",
        description="piezoelectric vibration accelerometer for machine condition monitoring",
        expected=[],
        controlled=False,
        source=lookalike("the note to 7A001.a excludes accelerometers limited to vibration or shock (CCL text)"),
    ),
    dict(
        kind="lookalike",
        description="kitchen blender 600 W",
        hs_code="850940",
        expected=[],
        controlled=False,
        source=lookalike("household food mixer, HS 8509.40"),
    ),
    dict(
        kind="lookalike",
        description="aluminium bicycle frame",
        hs_code="871491",
        expected=[],
        controlled=False,
        source=lookalike("bicycle part, HS 8714.91"),
    ),
    dict(
        kind="lookalike",
        description="stainless steel kitchen sink",
        hs_code="732410",
        expected=[],
        controlled=False,
        source=lookalike("sanitary ware of stainless steel, HS 7324.10"),
    ),
    dict(
        kind="lookalike",
        description="PVC pipe fittings for plumbing",
        hs_code="391740",
        expected=[],
        controlled=False,
        source=lookalike("plastic fittings, HS 3917.40"),
    ),
    dict(
        kind="lookalike",
        description="cotton T-shirts, printed",
        hs_code="610910",
        expected=[],
        controlled=False,
        source=lookalike("apparel, HS 6109.10"),
    ),
    dict(
        kind="lookalike",
        description="ceramic floor tiles",
        hs_code="690721",
        expected=[],
        controlled=False,
        source=lookalike("ceramic tiles, HS 6907.21"),
    ),
    dict(
        kind="lookalike",
        description="fresh bananas",
        hs_code="080390",
        expected=[],
        controlled=False,
        source=lookalike("fruit, HS 0803.90"),
    ),
    dict(
        kind="lookalike",
        description="fresh bananas",
        end_use="missile development",
        expected=[],
        controlled=False,
        catch_all=True,
        source=lookalike("fruit; a stated missile end use still triggers EU Art. 4 / 15 CFR 744.3"),
    ),
    dict(
        kind="lookalike",
        description="replacement gearboxes and magnetic encoder adapters for CNC machine service",
        end_user="Entity List company",
        destination="RU",
        expected=[],
        controlled=False,
        catch_all=True,
        source=HAAS + " (parts were EAR99; licence needed because of the end users and destination)",
    ),
    dict(
        kind="lookalike",
        description="spinning wheel for wool yarn",
        expected=[],
        controlled=False,
        source=lookalike("textile hand tool; 'spinning' is not metal spin-forming (2B009)"),
    ),
    dict(
        kind="lookalike",
        description="steel rollers for conveyor belts",
        hs_code="843139",
        expected=[],
        controlled=False,
        source=lookalike("conveyor parts, HS 8431.39; 'rollers' alone is not 2B209"),
    ),
    dict(
        kind="lookalike",
        description="fishing reel with line winding mechanism",
        hs_code="950730",
        expected=[],
        controlled=False,
        source=lookalike("fishing reels, HS 9507.30; 'winding' is not filament winding (1B001)"),
    ),
    dict(
        kind="lookalike",
        description="carbon fibre road bicycle frame",
        hs_code="871491",
        expected=[],
        controlled=False,
        source=lookalike("finished article; 1C010/1C210 control fibres, tows and prepregs, not bicycle frames"),
    ),
    dict(
        kind="lookalike",
        description="hobby CNC router for wood, 3 axes",
        expected=[],
        controlled=False,
        source=lookalike(
            "woodworking machine (HS 8465); 2B001 covers machine tools for metals, ceramics or composites"
        ),
    ),
    dict(
        kind="lookalike",
        description="desktop FDM 3D printer for PLA filament",
        hs_code="847780",
        expected=[],
        controlled=False,
        source=lookalike("consumer additive manufacturing machine; no list entry"),
    ),
    dict(
        kind="lookalike",
        description="benchtop laboratory centrifuge for blood sample tubes",
        hs_code="842119",
        expected=[],
        controlled=False,
        source=lookalike("batch centrifuge; 2B352.c covers continuous-flow separators with containment"),
    ),
    dict(
        kind="lookalike",
        description="plastic home brewing fermenter bucket 30 litre",
        expected=[],
        controlled=False,
        source=lookalike("not steam-sterilisable or contained as 2B352.b requires"),
    ),
    dict(
        kind="lookalike",
        description="tyre pressure gauge, Bourdon tube",
        hs_code="902620",
        expected=[],
        controlled=False,
        source=lookalike("gauge for tyres; 2B230 covers transducers of stated accuracy and range"),
    ),
    dict(
        kind="lookalike",
        description="turbomolecular pump with 1000 l/s pumping speed",
        expected=[],
        controlled=False,
        source=lookalike("2B231 requires a pumping speed >= 15 m3/s (= 15,000 l/s)"),
    ),
    dict(
        kind="lookalike",
        description="variable frequency drive 50/60 Hz output for water pumps",
        expected=[],
        controlled=False,
        source=lookalike("3A225 covers frequency changers with output 600-2000 Hz"),
    ),
    dict(
        kind="lookalike",
        description="handheld infrared thermometer for cooking",
        hs_code="902519",
        expected=[],
        controlled=False,
        source=lookalike("thermometer, HS 9025.19"),
    ),
    dict(
        kind="lookalike",
        description="glass fibre wind turbine blade",
        expected=[],
        controlled=False,
        source=lookalike("finished composite part of a wind turbine (HS 8503)"),
    ),
    dict(
        kind="lookalike",
        description="deep groove ball bearings for passenger cars",
        hs_code="848210",
        expected=[],
        controlled=False,
        source=lookalike("ball bearings, HS 8482.10; 2A001 covers bearings of stated precision classes"),
    ),
]


def main() -> None:
    with OUT.open("w", encoding="utf-8") as fh:
        for n, case in enumerate(CASES, 1):
            row = {"id": f"g{n:03d}", **case}
            row.setdefault("catch_all", False)
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(CASES)} cases to {OUT}")


if __name__ == "__main__":
    main()
