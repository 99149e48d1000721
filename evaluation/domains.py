"""What each kind of document talks about: entities, prose templates, and the facts it can state.

Every fact kind has two template families: `a` words the fact sentences and questions of the dev
split, `b` those of the test split, so test questions are phrased in ways dev never showed.
Templates use `{entity}` and `{value}`; prose templates also use the domain's vocabulary slots.
Prose never contains digits, so a filler sentence cannot accidentally hold an expected answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evaluation import values as v

FAMILIES = ("a", "b")
OPENERS = (
    "In practice", "As a rule", "For this reason", "In most cases", "Where possible", "As far as possible",
    "In addition", "At the same time", "On the whole", "Above all", "Wherever practical", "In general",
    "By the same token", "Equally", "Understandably", "As you might expect", "Not surprisingly", "Of course",
)  # fmt: skip


@dataclass(frozen=True)
class FactKind:
    key: str
    value: v.ValueMaker
    sentences: dict[str, tuple[str, ...]]
    questions: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Domain:
    name: str
    titles: tuple[str, ...]  # with {org} and {category}
    orgs: tuple[str, ...]
    categories: tuple[str, ...]
    entity_names: tuple[str, ...]  # names used in documents
    absent_names: tuple[str, ...]  # names that never appear in any document: in-domain off-topic questions
    entity: str  # how a name is mentioned in prose, e.g. "the {name} plan"
    headings: tuple[str, ...]
    entity_headings: tuple[str, ...]
    prose: tuple[str, ...]
    entity_prose: tuple[str, ...]
    vocab: dict[str, tuple[str, ...]]
    kinds: tuple[FactKind, ...]
    bullets: tuple[str, ...] = ()
    table: tuple[tuple[str, tuple[str, ...]], ...] = ()
    uses_pubmedqa: bool = False
    extra: dict[str, str] = field(default_factory=dict)


PRODUCT_MANUAL = Domain(
    name="product manual",
    titles=("{org} {category} Range: Owner's Manual", "Using Your {org} {category}: Product Guide"),
    orgs=("Kestrel", "Halcyon", "Vireo", "Meridian", "Solace", "Talon", "Nimbus", "Brightwater"),
    categories=("Cordless Vacuum", "Espresso Machine", "Air Purifier", "Electric Bicycle", "Robot Mower"),
    entity_names=("K40", "K60", "S3", "S5 Pro", "Z9", "Z11", "M2", "M4 Plus", "Q7", "Q8 Max"),
    # Models the brand does not make: questions about them must be refused.
    absent_names=("V12", "T5 Air", "R8", "X3", "D6", "G2 Lite"),
    entity="{org} {name}",
    headings=(
        "Safety Instructions",
        "Getting Started",
        "Everyday Use",
        "Care and Cleaning",
        "Troubleshooting",
        "Storage and Transport",
        "Environmental Information",
        "Customer Service",
    ),  # fmt: skip
    entity_headings=("The {entity} at a Glance", "Working with the {entity}", "{entity}: Specifications"),
    prose=(
        "The controls respond to a light touch, so there is no need to press hard on the panel.",
        "After a power cut the appliance returns to standby and waits for you to {action} again.",
        "Cables should be routed away from walkways so that nobody trips over them.",
        "If the {part} is difficult to remove, let the appliance cool down and try again gently.",
        "Firmware updates are installed automatically overnight when the appliance is connected.",
        "Condensation may form inside the housing when the appliance is moved from a cold room to a warm one.",
        "Do not use abrasive cleaners, solvents or scouring pads on any part of the appliance.",
        "A short beep confirms each setting, and a longer tone tells you that the cycle has finished.",
        "Noise levels rise slightly when the {part} is nearly full, which is a reminder to {care_verb} it.",
        "The appliance is intended for household use only and is not suitable for commercial premises.",
        "Keep the original box if you can, because it protects the appliance best when you {transport}.",
        "Error messages are explained in the table at the end of this chapter, together with their remedies.",
        "A qualified technician should carry out any repair that requires the housing to be opened.",
        "Worn parts are easy to replace at home, and each spare comes with its own fitting instructions.",
        "Read these instructions carefully before you {action} for the first time.",
        "Keep this manual in a safe place so that you can {consult} it later.",
        "If the appliance shows signs of {damage}, stop using it and contact an authorised service centre.",
        "Children should be supervised {context} to make sure that they do not play with the appliance.",
        "We recommend that you {action} only on a dry, stable and level surface.",
        "Most problems can be solved quickly by checking the {part} and the power connection.",
        "The {part} should be {care} regularly, because dust and residue reduce performance over time.",
        "Use only accessories and spare parts that the manufacturer has approved, as others may {risk}.",
        "Never immerse the main unit in water or hold it under a running tap.",
        "When the indicator light {signal}, the appliance is telling you that the {part} needs attention.",
        "Our support team can help you {support} if the steps in this chapter do not resolve the issue.",
        "Packaging materials can be recycled and should be sorted according to local rules.",
        "Switch the appliance off and unplug it before you {care_verb} the {part}.",
        "A faint smell during the first few uses is normal and disappears after a short time.",
        "Register your purchase online so that we can inform you about {news}.",
    ),
    entity_prose=(
        "The {entity} has been designed for {use}, and it shares many parts with the rest of the range.",
        "Owners of the {entity} will find that the {part} is easy to reach from the {side} of the housing.",
        "Compared with earlier models, the {entity} is quieter and {improvement}.",
        "Before you {action}, make sure that the {part} of the {entity} is correctly fitted.",
        "The {entity} ships with a quick start card that explains the controls in pictures.",
        "Many customers choose the {entity} because it {reason}.",
        "Spare filters and brushes for the {entity} are sold separately through our online shop.",
    ),
    vocab={
        "transport": ("move house", "send it in for repair", "store it for the winter", "take it on holiday"),
        "action": ("switch the appliance on", "assemble the unit", "connect the charger", "start a cleaning cycle"),
        "consult": ("refer to", "look something up in", "consult", "return to"),
        "damage": ("damage", "overheating", "a cracked housing", "a frayed cable"),
        "context": ("at all times", "during cleaning and maintenance", "whenever the appliance is running"),
        "part": ("filter", "brush roll", "water tank", "charging contacts", "drip tray", "battery pack", "sensor"),
        "care": ("rinsed with lukewarm water", "wiped with a soft cloth", "checked for blockages", "descaled"),
        "care_verb": ("clean", "inspect", "remove", "replace"),
        "risk": ("void the guarantee", "damage the motor", "cause a short circuit", "create a safety hazard"),
        "signal": ("flashes orange", "turns red", "blinks slowly", "stays on"),
        "support": ("order spare parts", "arrange a repair", "diagnose an error code", "update the firmware"),
        "news": ("software updates", "product recalls", "new accessories", "changes to our service terms"),
        "use": ("small flats", "busy family homes", "open-plan offices", "daily commuting", "large gardens"),
        "side": ("rear", "underside", "left-hand side", "top"),
        "improvement": ("uses less energy", "easier to empty", "lighter to carry", "simpler to maintain"),
        "reason": ("balances power and convenience", "is simple to maintain", "fits into small spaces"),
    },
    kinds=(
        FactKind(
            "warranty",
            v.months_or_years(),
            {
                "a": (
                    "Every {entity} is covered by a manufacturer's warranty of {value} from the date of purchase.",
                    "The {entity} comes with a limited warranty lasting {value}, provided the unit is registered.",
                ),
                "b": (
                    "Repairs to the {entity} are free of charge for {value} after purchase under the standard "
                    "guarantee.",
                    "For the {entity}, the guarantee period runs for {value} and covers parts and labour.",
                ),
            },
            {
                "a": (
                    "How long is the {entity} guaranteed for?",
                    "What coverage period applies if the {entity} develops a fault?",
                    "For how many months will the maker fix a faulty {entity}?",
                ),
                "b": (
                    "How long does the warranty on the {entity} last?",
                    "If my {entity} breaks, for how long is it protected by the manufacturer?",
                ),
            },
        ),
        FactKind(
            "runtime",
            v.count(25, 95, "minutes", step=5),
            {
                "a": ("On a full charge the {entity} runs for up to {value} in its standard mode.",),
                "b": ("Users can expect roughly {value} of operation from the {entity} before the battery is empty.",),
            },
            {
                "a": (
                    "What battery life does the {entity} offer?",
                    "How long does the {entity} keep going per charge?",
                ),
                "b": ("For how long can the {entity} be used once charged?", "What is the runtime of the {entity}?"),
            },
        ),
        FactKind(
            "weight",
            v.decimal(1.8, 24.0, "kg"),
            {
                "a": ("Without accessories the {entity} weighs {value}, which makes it easy to carry between rooms.",),
                "b": ("The {entity} has a mass of {value} when fully assembled.",),
            },
            {
                "a": ("How heavy is the {entity}?", "What is the mass of the {entity}?"),
                "b": ("How much does the {entity} weigh?", "What weight should I expect when lifting the {entity}?"),
            },
        ),
        FactKind(
            "price",
            v.money(149, 2400),
            {
                "a": (
                    "The recommended retail price of the {entity} is {value}, including the standard accessory kit.",
                ),
                "b": ("Customers who order the {entity} directly from us pay {value} before local taxes.",),
            },
            {
                "a": ("What does the {entity} cost?", "How much do I have to pay for the {entity}?"),
                "b": ("What is the price of the {entity}?", "How expensive is the {entity}?"),
            },
        ),
        FactKind(
            "charging",
            v.decimal(1.5, 6.5, "hours"),
            {
                "a": ("A completely drained {entity} recharges in about {value} using the supplied adapter.",),
                "b": ("Allow {value} for the {entity} to reach a full battery from empty.",),
            },
            {
                "a": ("How long does it take to charge the {entity}?", "What is the charging time of the {entity}?"),
                "b": ("How much time does a complete recharge of the {entity} need?",),
            },
        ),
        FactKind(
            "release",
            v.full_date(2016, 2025),
            {
                "a": ("The {entity} was first released to the market on {value}.",),
                "b": ("Sales of the {entity} began on {value}, following a short pilot in selected stores.",),
            },
            {
                "a": ("When did the {entity} come out?", "What is the launch date of the {entity}?"),
                "b": ("When was the {entity} launched?", "On what date could customers first buy the {entity}?"),
            },
        ),
    ),
    bullets=(
        "Unpack all parts and check them against the list of contents.",
        "Charge the battery completely before the first use.",
        "Remove any protective film from the display.",
        "Keep the air vents free of dust and fluff.",
        "Store the appliance indoors, away from frost and direct sunlight.",
        "Empty the container after every use.",
    ),
    table=(
        ("Colour", ("graphite", "white", "sage green", "midnight blue")),
        ("Display", ("LED ring", "touch panel", "none")),
        ("Dishwasher-safe parts", ("yes", "no")),
    ),
)

COMPANY_HANDBOOK = Domain(
    name="company handbook",
    titles=("{org} Employee Handbook", "Working at {org}: Staff Handbook"),
    orgs=("Larchfield Systems", "Orrin & Pike", "Bluefen Analytics", "Corvelle Logistics", "Tessaline Group"),
    categories=("",),
    entity_names=(
        "Leeds",
        "Lyon",
        "Porto",
        "Tampere",
        "Graz",
        "Utrecht",
        "Bergen",
        "Ghent",
        "Cork",
        "Brno",
        "Bilbao",
        "Nantes",
    ),  # fmt: skip
    absent_names=("Seville", "Krakow", "Aarhus", "Turin", "Basel", "Galway"),
    entity="the {name} office",
    headings=(
        "Welcome",
        "Our Values",
        "Working Hours and Flexibility",
        "Leave and Absence",
        "Expenses and Travel",
        "Health and Wellbeing",
        "Learning and Development",
        "Leaving the Company",
        "Data Protection",
    ),  # fmt: skip
    entity_headings=("Local Arrangements: {entity}", "Working from {entity}"),
    prose=(
        "Our offices are open to staff on working days, and access outside those hours must be arranged in advance.",
        "Parents and carers can ask for adjustments to their working pattern at any point in the year.",
        "Overtime is rare and should always be agreed with {contact} before it is worked.",
        "Training budgets are shared within each team and allocated according to agreed priorities.",
        "Gifts and hospitality from suppliers must be declared, however modest they seem.",
        "Company equipment remains our property and must be returned in good condition when you leave.",
        "Every employee has a development conversation with their manager at least twice a year.",
        "Accidents and near misses are recorded so that we can learn from them and prevent a repeat.",
        "The {system} shows your remaining leave, your payslips and your personal details.",
        "Working from home is encouraged where the role allows it, provided that your workspace is safe.",
        "Volunteering days let colleagues support local charities without using their own leave.",
        "Concerns about wrongdoing can be raised confidentially and will be investigated without reprisal.",
        "Business travel should be planned with care for cost, safety and the environment.",
        "Our mentoring scheme pairs experienced colleagues with people who are {career}.",
        "This handbook explains how we {verb} and what you can expect from {party}.",
        "Where a local agreement differs from this handbook, the local agreement {prevails}.",
        "Managers are expected to {duty} and to treat every request fairly and promptly.",
        "If you are unsure how a rule applies to you, speak to {contact} before you act.",
        "We review our policies regularly so that they {purpose}.",
        "Requests should be submitted through the {system} so that they can be tracked and approved.",
        "Everyone is responsible for {responsibility}, whatever their role or seniority.",
        "Flexible working is available to most roles, subject to the needs of the team.",
        "Receipts must be kept for every claim, because our auditors {audit} them each quarter.",
        "Feedback on this handbook is welcome and can be sent to {contact}.",
        "We expect colleagues to {behaviour} in meetings, in writing and on calls.",
        "Confidential information must never be {leak}, even after your employment ends.",
    ),
    entity_prose=(
        "Colleagues at {entity} follow the same policies as everyone else, with a few local additions.",
        "The team at {entity} works closely with {contact} on questions of {topic}.",
        "Visitors to {entity} must sign in at reception and wear a visitor badge at all times.",
        "Because {entity} is shared with other tenants, meeting rooms there should be booked through the {system}.",
        "New starters at {entity} are paired with a buddy who helps them settle in.",
        "Local holidays observed at {entity} are published on the intranet at the start of each year.",
    ),
    vocab={
        "career": ("new to the company", "changing roles", "preparing for a first management role"),
        "verb": ("work together", "make decisions", "support one another", "look after our customers"),
        "party": ("the company", "your manager", "your colleagues", "the people team"),
        "prevails": ("takes precedence", "applies", "is the one to follow"),
        "duty": ("lead by example", "answer questions from their teams", "approve requests without delay"),
        "contact": ("your line manager", "the people team", "the compliance officer", "the finance team"),
        "purpose": ("stay fair", "reflect current law", "match how we actually work", "remain easy to follow"),
        "system": ("staff portal", "internal booking tool", "expenses app", "service desk"),
        "responsibility": ("keeping data safe", "reporting accidents", "treating others with respect"),
        "audit": ("sample", "check", "review"),
        "behaviour": ("listen carefully", "be respectful", "stay constructive", "give others room to speak"),
        "leak": ("shared outside the company", "posted online", "discussed in public places"),
        "topic": ("payroll", "recruitment", "health and safety", "equipment"),
    },
    kinds=(
        FactKind(
            "annual_leave",
            v.count(22, 32, "days"),
            {
                "a": ("Employees based at {entity} receive {value} of paid annual leave each calendar year.",),
                "b": (
                    "Staff who work from {entity} are entitled to {value} of holiday per year, in addition to "
                    "public holidays.",
                ),
            },
            {
                "a": ("How many vacation days do staff at {entity} get?", "What is the holiday allowance at {entity}?"),
                "b": (
                    "How much paid time off is given to employees of {entity}?",
                    "How many days of annual leave does someone at {entity} have?",
                ),
            },
        ),
        FactKind(
            "site_manager",
            v.person,
            {
                "a": ("Day-to-day questions about {entity} are handled by {value}, who manages the site.",),
                "b": ("The site manager responsible for {entity} is {value}.",),
            },
            {
                "a": ("Who runs {entity}?", "Who is in charge of {entity}?"),
                "b": ("Who looks after {entity}?", "Who manages {entity}?"),
            },
        ),
        FactKind(
            "probation",
            v.count(3, 9, "months"),
            {
                "a": (
                    "New hires at {entity} complete a probation period of {value} before their contract becomes "
                    "permanent.",
                ),
                "b": ("At {entity}, the trial period for newcomers lasts {value}.",),
            },
            {
                "a": ("How long is the trial period for new staff at {entity}?",),
                "b": ("For how long are new joiners at {entity} on probation?",),
            },
        ),
        FactKind(
            "meal_allowance",
            v.money(14, 45, symbol="EUR "),
            {
                "a": ("Staff travelling on business from {entity} may claim a daily meal allowance of {value}.",),
                "b": ("{entity} reimburses up to {value} per day for food during business trips.",),
            },
            {
                "a": ("How much can employees of {entity} spend on food per day when travelling?",),
                "b": (
                    "What is the per-day meal allowance for business trips from {entity}?",
                    "How much does {entity} pay for meals on a work trip?",
                ),
            },
        ),
        FactKind(
            "opening",
            v.full_date(1998, 2023),
            {
                "a": ("{entity} opened its doors on {value} with a small team of engineers.",),
                "b": ("Operations at {entity} started on {value}.",),
            },
            {
                "a": ("When did {entity} open?", "Since when has {entity} been operating?"),
                "b": ("What is the opening date of {entity}?", "When did {entity} first open for business?"),
            },
        ),
        FactKind(
            "notice",
            v.count(2, 12, "weeks"),
            {
                "a": ("Employees at {entity} must give {value} of notice when resigning.",),
                "b": ("Anyone leaving a role at {entity} is required to inform their manager {value} in advance.",),
            },
            {
                "a": (
                    "How much notice is required to quit at {entity}?",
                    "What is the resignation period at {entity}?",
                ),
                "b": ("What notice period applies when someone resigns at {entity}?",),
            },
        ),
    ),
    bullets=(
        "Record your working time in the staff portal every week.",
        "Report sickness to your manager before your usual start time.",
        "Book travel through the approved agency only.",
        "Complete the mandatory security training within your first month.",
        "Lock your screen whenever you leave your desk.",
    ),
    table=(
        ("Parking", ("on site", "nearby garage", "none")),
        ("Canteen", ("yes", "no")),
        ("Accessible entrance", ("main door", "side door")),
    ),
)

SERVICE_POLICY = Domain(
    name="service policy",
    titles=("{org} Subscription Plans and Service Policy", "{org} Terms of Service and Plan Guide"),
    orgs=("Brightline", "Cloudmere", "Parcelwise", "Hearthnet", "Streamvale"),
    categories=("",),
    entity_names=("Cobalt", "Amber", "Willow", "Granite", "Harbor", "Lumen", "Summit", "Meadow", "Ember", "Tidal"),
    absent_names=("Quartz", "Falcon", "Juniper", "Saffron", "Onyx", "Zephyr"),
    entity="the {name} plan",
    headings=(
        "About This Policy",
        "Accounts and Eligibility",
        "Billing and Payment",
        "Cancellations and Refunds",
        "Customer Support",
        "Acceptable Use",
        "Privacy",
        "Changes to These Terms",
    ),  # fmt: skip
    entity_headings=("{entity} in Detail", "What {entity} Includes"),
    prose=(
        "Prices shown on our website include the taxes that apply in your country of residence.",
        "We may suspend the service briefly for maintenance, and we announce planned work in advance.",
        "Your data remains yours, and you can export it at any time in common file formats.",
        "Accounts that stay inactive for a long time may be closed after we have warned you by email.",
        "Gift cards and vouchers can be redeemed against any plan but cannot be exchanged for cash.",
        "Where a fault is on our side, we credit the affected period to your next invoice.",
        "Businesses can request a signed data processing agreement from {channel}.",
        "Discounts for {audience} require proof of eligibility, which we check once a year.",
        "You may transfer your subscription to another person only with our written consent.",
        "We communicate changes that affect your bill at least one full billing cycle before they apply.",
        "Security incidents that affect your account are reported to you without undue delay.",
        "Family members invited to an account can leave it at any time and keep their own content.",
        "This policy describes the rights and obligations of {party} when using our services.",
        "By creating an account you confirm that the information you provide is {quality}.",
        "We may {change} this policy, and we will notify you by email before any change takes effect.",
        "Payments are collected automatically using the {method} stored on your account.",
        "If a payment fails, we will try again and {consequence} if the balance remains unpaid.",
        "You are responsible for keeping your password {secret} and for all activity on your account.",
        "Our support team is available through {channel} and will ask you to confirm your identity.",
        "Abuse of the service, including {abuse}, may lead to suspension without notice.",
        "Invoices are available for download from the billing page of your account.",
        "Complaints are handled fairly and, where we cannot agree, you may refer them to {body}.",
        "Promotional prices apply for the period stated in the offer and then revert to the standard rate.",
    ),
    entity_prose=(
        "Customers on {entity} can upgrade or downgrade at any time from their account settings.",
        "{entity} is popular with {audience}, who value its predictable costs.",
        "Features included in {entity} are listed on our website and may be extended over time.",
        "Moving from {entity} to another plan takes effect at the start of the next billing cycle.",
        "Households that choose {entity} often add {addon} later on.",
    ),
    vocab={
        "party": ("customers", "account holders", "both parties", "subscribers"),
        "quality": ("accurate and complete", "correct and up to date", "truthful"),
        "change": ("update", "revise", "amend"),
        "method": ("card", "direct debit mandate", "payment method"),
        "consequence": ("may pause the service", "may restrict access", "may close the account"),
        "secret": ("confidential", "safe", "private"),
        "channel": ("live chat", "email", "the help centre", "telephone"),
        "abuse": ("sending spam", "reselling access", "attacking other users", "scraping content"),
        "body": ("an independent ombudsman", "the relevant regulator", "an approved mediator"),
        "audience": ("small businesses", "students", "families", "freelancers"),
        "addon": ("extra storage", "priority support", "additional devices", "a second user"),
    },
    kinds=(
        FactKind(
            "monthly_price",
            v.money(4, 89, cents=True),
            {
                "a": ("{entity} is billed at {value} per month, charged on the first day of each billing cycle.",),
                "b": ("Subscribers to {entity} pay a monthly fee of {value}.",),
            },
            {
                "a": ("What does {entity} cost per month?", "How much is the monthly subscription for {entity}?"),
                "b": ("What is the price of {entity} each month?", "How much will {entity} charge me monthly?"),
            },
        ),
        FactKind(
            "refund_window",
            v.count(7, 60, "days"),
            {
                "a": ("Customers on {entity} can request a full refund within {value} of their first payment.",),
                "b": ("If you cancel {entity} no later than {value} after signing up, all charges are returned.",),
            },
            {
                "a": ("How long do I have to get my money back on {entity}?",),
                "b": ("What is the refund period for {entity}?", "Until when can I ask for a refund on {entity}?"),
            },
        ),
        FactKind(
            "response_time",
            v.count(2, 72, "hours"),
            {
                "a": ("Support tickets raised under {entity} receive a first response within {value}.",),
                "b": ("For {entity}, our help desk promises to reply to every request in no more than {value}.",),
            },
            {
                "a": ("How quickly does support answer customers on {entity}?",),
                "b": (
                    "What is the guaranteed response time for {entity}?",
                    "How fast will I hear back from customer service on {entity}?",
                ),
            },
        ),
        FactKind(
            "storage",
            v.count(20, 2000, "GB", step=10),
            {
                "a": ("Each account on {entity} includes {value} of cloud storage.",),
                "b": ("{entity} allows you to keep up to {value} of files online.",),
            },
            {
                "a": ("How much space for files comes with {entity}?", "What is the storage limit on {entity}?"),
                "b": ("How much cloud storage do I get with {entity}?",),
            },
        ),
        FactKind(
            "cancellation_fee",
            v.money(15, 180),
            {
                "a": ("Ending {entity} before the minimum term incurs an early termination charge of {value}.",),
                "b": ("A fee of {value} applies if {entity} is cancelled early.",),
            },
            {
                "a": ("What is the penalty for cancelling {entity} early?",),
                "b": ("How much do I pay to terminate {entity} before the end of the term?",),
            },
        ),
        FactKind(
            "max_users",
            v.count(2, 25, "users"),
            {
                "a": ("Up to {value} can share a single subscription to {entity}.",),
                "b": ("{entity} supports a maximum of {value} per account.",),
            },
            {
                "a": ("How many people can use {entity} at once?",),
                "b": ("What is the user limit of {entity}?", "How many members may one {entity} account have?"),
            },
        ),
    ),
    bullets=(
        "Keep your contact details up to date.",
        "Download your invoices before closing your account.",
        "Use a strong password and enable two-step verification.",
        "Tell us promptly about any unauthorised use.",
    ),
    table=(
        ("Priority support", ("included", "optional", "not available")),
        ("Family sharing", ("yes", "no")),
    ),
)

TRAVEL_GUIDE = Domain(
    name="travel guide",
    titles=("The {org} Coast: A Visitor's Guide", "Exploring {org}: Local Guide for Visitors"),
    orgs=("Wrenmoor", "Calloway", "Ashbourne Isles", "Fenwick Bay", "Silverdale"),
    categories=("",),
    entity_names=(
        "Kellsworth",
        "Abbotsmere",
        "Port Quillan",
        "Dunmarrow",
        "Saltreach",
        "Hollin Bay",
        "Westerby",
        "Carrick Fell",
        "Lowenmoor",
        "Brackenford",
    ),  # fmt: skip
    absent_names=("Thornwick", "Marrowgate", "Elderholt", "Pennycross", "Greyhaven", "Ashcombe Vale"),
    entity="{name}",
    headings=(
        "Introduction",
        "Getting There",
        "Where to Stay",
        "Food and Drink",
        "Walks and Outdoor Activities",
        "Rainy Day Ideas",
        "Practical Information",
        "Events Through the Year",
    ),  # fmt: skip
    entity_headings=("Visiting {entity}", "{entity} and Its Surroundings"),
    prose=(
        "Spring brings wild flowers to the clifftops, while autumn is the season for migrating birds.",
        "Several farms open their gates to visitors and sell {food} from small roadside stalls.",
        "The narrow lanes are best explored by bicycle, though some of the hills are steep.",
        "Fishing boats still land their catch in the mornings, and the quayside is busy before breakfast.",
        "Mobile phone reception is patchy in the valleys, so download maps before setting out.",
        "Dogs are welcome on most beaches outside the summer months.",
        "Local buses connect with the main railway line, but evening services are sparse.",
        "Painters have been drawn to the area for generations by its soft light and wide skies.",
        "Camping is permitted only on official sites, and fires are forbidden on the dunes.",
        "Rock pooling at low tide is a favourite pastime for families with young children.",
        "Visitor centres stock leaflets on {walk_theme} and can advise on routes for all abilities.",
        "Sea swimming is popular, but currents near the river mouths can be dangerous.",
        "The region rewards visitors who {travel_style} rather than rushing from one sight to the next.",
        "In summer the {place} fill up quickly, so it is worth arriving early in the day.",
        "Local cafes serve {food}, often made with produce from nearby farms.",
        "Walkers should carry {gear}, because the weather on the headlands changes quickly.",
        "Many of the older buildings are built from {material}, which gives the villages their character.",
        "Public transport is limited on Sundays, and taxis should be booked {booking}.",
        "Birdwatchers will find {birds} along the estuary, especially in the early morning.",
        "The coast path links most villages and is waymarked with {marker}.",
        "Small independent shops sell {souvenir} made by local craftspeople.",
        "Tide tables are posted at every harbour and should be checked before {activity}.",
    ),
    entity_prose=(
        "{entity} is best known for its {feature}, which draws visitors throughout the year.",
        "A stroll through {entity} takes in {feature_two} and several quiet lanes lined with cottages.",
        "Parking in {entity} is limited, so visitors are encouraged to use the park and ride service.",
        "Evenings in {entity} are quiet, with a handful of pubs serving {food}.",
        "From the harbour at {entity}, boat trips run to the seal colony when the sea allows.",
        "Accommodation in {entity} ranges from {stay} to family-run guesthouses.",
    ),
    vocab={
        "walk_theme": ("local history", "coastal wildlife", "geology", "old smuggling routes"),
        "travel_style": ("linger", "walk between villages", "take their time", "explore on foot"),
        "place": ("beaches", "car parks", "harbour cafes", "campsites"),
        "food": ("crab sandwiches", "smoked fish", "fresh scones with cream", "hearty stews", "apple cake"),
        "gear": ("a waterproof jacket", "sturdy boots", "a map and a torch", "plenty of water"),
        "material": ("grey granite", "red sandstone", "whitewashed stone", "local slate"),
        "booking": ("well in advance", "the day before", "through your hotel"),
        "birds": ("curlews and oystercatchers", "little egrets", "flocks of wintering geese"),
        "marker": ("an acorn symbol", "yellow arrows", "wooden signposts"),
        "souvenir": ("pottery", "woollen blankets", "hand-printed maps", "driftwood carvings"),
        "activity": ("crossing the sands", "launching a kayak", "exploring the rock pools"),
        "feature": ("painted harbour", "medieval market cross", "sandy bay", "clifftop chapel"),
        "feature_two": ("the old customs house", "a walled garden", "the lifeboat station", "a ruined priory"),
        "stay": ("simple campsites", "converted barns", "grand seafront hotels"),
    },
    kinds=(
        FactKind(
            "ferry",
            v.count(15, 110, "minutes", step=5),
            {
                "a": ("The ferry from the mainland to {entity} takes {value} in calm weather.",),
                "b": ("Visitors crossing by boat should allow {value} to reach {entity}.",),
            },
            {
                "a": ("How long is the boat trip to {entity}?",),
                "b": (
                    "What is the duration of the ferry crossing to {entity}?",
                    "How long does the ferry to {entity} take?",
                ),
            },
        ),
        FactKind(
            "museum_price",
            v.money(3, 18, cents=True),
            {
                "a": ("Admission to the town museum in {entity} costs {value} for adults.",),
                "b": ("Adults pay {value} to enter the local history museum at {entity}.",),
            },
            {
                "a": (
                    "How much is a ticket for the museum in {entity}?",
                    "What is the entrance fee of the {entity} museum?",
                ),
                "b": ("What does entry to the museum in {entity} cost?",),
            },
        ),
        FactKind(
            "lighthouse_height",
            v.count(18, 62, "metres"),
            {
                "a": ("The lighthouse at {entity} rises {value} above the harbour wall.",),
                "b": ("Standing {value} tall, the old lighthouse of {entity} can be seen from the coast road.",),
            },
            {
                "a": ("How tall is the lighthouse in {entity}?",),
                "b": ("What is the height of the {entity} lighthouse?", "How high is the lighthouse at {entity}?"),
            },
        ),
        FactKind(
            "charter",
            v.year(1180, 1690),
            {
                "a": ("Historians date the market charter of {entity} to {value}.",),
                "b": ("{entity} received its royal charter in {value}, according to the parish records.",),
            },
            {
                "a": ("When was {entity} granted its charter?", "In what year did {entity} become a market town?"),
                "b": ("In which year did {entity} obtain its charter?",),
            },
        ),
        FactKind(
            "festival",
            v.day_and_month,
            {
                "a": ("Every year on {value}, {entity} holds its harbour festival with music and boat races.",),
                "b": ("The annual regatta in {entity} takes place on {value}.",),
            },
            {
                "a": ("When can I see the boat races in {entity}?", "On which date is the {entity} festival?"),
                "b": ("When is the regatta held in {entity}?",),
            },
        ),
        FactKind(
            "guide",
            v.person,
            {
                "a": ("Guided walks around {entity} are led by {value}, a local historian.",),
                "b": ("The tourist office in {entity} is run by {value}.",),
            },
            {
                "a": ("Who leads the walking tours of {entity}?",),
                "b": (
                    "Who manages the tourist information centre in {entity}?",
                    "Who is in charge of tourism in {entity}?",
                ),
            },
        ),
    ),
    bullets=(
        "Check the tide times before walking on the beach.",
        "Take your litter home with you.",
        "Keep dogs on a lead near grazing animals.",
        "Close gates behind you.",
        "Carry cash for small cafes and honesty boxes.",
    ),
    table=(
        ("Beach", ("sand", "shingle", "rock pools")),
        ("Accessible toilets", ("yes", "no")),
        ("Lifeguards in summer", ("yes", "no")),
    ),
)

CLUB_RULES = Domain(
    name="club rules",
    titles=("{org} Sports Club: Rules and Members' Guide", "Constitution and Rules of the {org} Club"),
    orgs=("Riverside", "Oakhurst", "Northgate", "Millbrook", "Elmstead"),
    categories=("",),
    entity_names=(
        "rowing",
        "tennis",
        "chess",
        "cycling",
        "climbing",
        "sailing",
        "archery",
        "badminton",
        "orienteering",
        "bowls",
    ),  # fmt: skip
    absent_names=("fencing", "curling", "judo", "lacrosse", "squash", "kayak polo"),
    entity="the {name} section",
    headings=(
        "Purpose of the Club",
        "Membership",
        "Conduct",
        "Use of Facilities",
        "Safeguarding",
        "Meetings and Elections",
        "Finances",
        "Complaints and Discipline",
    ),  # fmt: skip
    entity_headings=("Rules of {entity}", "{entity}: Sessions and Bookings"),
    prose=(
        "The clubhouse is open to members during published hours and may be hired for private events.",
        "Alcohol may be served only at licensed events and never to junior members.",
        "Members who fall behind with their subscription lose voting rights until the balance is paid.",
        "Coaches hold the appropriate qualifications and undergo background checks before they start.",
        "Lost property is kept in the office for a month and then given to charity.",
        "The club's colours may be worn only by members representing the club in competition.",
        "Photographs of junior members are taken and published only with the consent of a parent.",
        "The committee meets regularly and publishes short minutes for all members to read.",
        "Any surplus at the end of the year is invested in equipment and facilities.",
        "Disputes between members should first be raised informally with {officer}.",
        "Honorary membership may be awarded to people who have given exceptional service to the club.",
        "Smoking is not permitted anywhere on club grounds, including the car park.",
        "The club exists to {purpose} and is open to everyone who accepts these rules.",
        "Members are expected to {conduct} and to respect the decisions of officials.",
        "The committee may {power} any member who breaks these rules, after hearing their side.",
        "Subscriptions are collected through the {method} and are not transferable.",
        "Guests must be signed in by a member, who remains responsible for them {when}.",
        "Equipment belonging to the club must be returned {state} after every session.",
        "The general meeting is the highest authority of the club and {meets}.",
        "Any member may raise a concern with the welfare officer in confidence.",
        "Changes to these rules require a vote of the general meeting.",
        "Volunteers keep the club running, and every member is asked to {volunteer} during the season.",
    ),
    entity_prose=(
        "{entity} welcomes beginners, who are introduced to the sport by experienced members.",
        "Sessions of {entity} are listed on the noticeboard and in the members' newsletter.",
        "{entity} shares the clubhouse with other sections, so tidiness matters to everyone.",
        "Members of {entity} take part in {competition} as well as friendly matches.",
        "Kit for {entity} can be borrowed from the store room during the first weeks of membership.",
    ),
    vocab={
        "officer": ("the club secretary", "a committee member", "the welfare officer", "the chair"),
        "purpose": ("promote amateur sport", "bring neighbours together", "offer affordable coaching"),
        "conduct": ("behave courteously", "play fairly", "look after club property", "support new members"),
        "power": ("suspend", "warn", "expel", "fine"),
        "method": ("membership portal", "club treasurer", "standing order"),
        "when": ("throughout their visit", "while they are on club premises", "at all times"),
        "state": ("clean and dry", "to its proper place", "in good order"),
        "meets": ("meets once a year", "elects the committee", "approves the accounts"),
        "volunteer": ("help at one event", "take a turn on the rota", "support the open day"),
        "competition": ("regional leagues", "open tournaments", "inter-club events"),
    },
    kinds=(
        FactKind(
            "annual_fee",
            v.money(40, 480),
            {
                "a": ("Members of {entity} pay an annual subscription of {value}, due each January.",),
                "b": ("The yearly membership charge for {entity} is {value}.",),
            },
            {
                "a": ("How much does it cost to join {entity} for a year?",),
                "b": ("What is the annual fee for {entity}?", "How much is membership of {entity} per year?"),
            },
        ),
        FactKind(
            "captain",
            v.person,
            {
                "a": ("{entity} is currently captained by {value}, who was elected at the last general meeting.",),
                "b": ("{value} leads {entity} as its elected captain.",),
            },
            {
                "a": ("Who is the captain of {entity}?",),
                "b": ("Who heads {entity}?", "Which member was elected to lead {entity}?"),
            },
        ),
        FactKind(
            "guest_limit",
            v.count(2, 6, "guests"),
            {
                "a": ("A member of {entity} may bring at most {value} to any single session.",),
                "b": ("No more than {value} per member are admitted to sessions of {entity}.",),
            },
            {
                "a": ("How many visitors can a member take along to {entity}?",),
                "b": ("What is the limit on guests at {entity}?",),
            },
        ),
        FactKind(
            "booking_slot",
            v.count(30, 180, "minutes", step=15),
            {
                "a": ("Facilities used by {entity} can be booked in slots of {value}.",),
                "b": ("Each reservation made through {entity} lasts {value}.",),
            },
            {
                "a": ("How long is a booking at {entity}?",),
                "b": (
                    "What is the length of a reservation slot for {entity}?",
                    "How long can I reserve a court or boat with {entity}?",
                ),
            },
        ),
        FactKind(
            "founded",
            v.full_date(1921, 2012),
            {
                "a": ("{entity} was formed on {value} by a handful of enthusiasts.",),
                "b": ("Records show that {entity} held its first meeting on {value}.",),
            },
            {
                "a": ("When was {entity} founded?", "Since what date has {entity} existed?"),
                "b": ("When did {entity} start?",),
            },
        ),
        FactKind(
            "minimum_age",
            v.count(8, 16, "years"),
            {
                "a": ("Junior members may join {entity} once they reach the age of {value}.",),
                "b": ("{entity} accepts children who are at least {value} old.",),
            },
            {
                "a": ("How old must a child be to become a member of {entity}?",),
                "b": ("What is the minimum age for {entity}?", "From what age can young people join {entity}?"),
            },
        ),
    ),
    bullets=(
        "Sign the attendance sheet at every session.",
        "Wear suitable clothing and footwear.",
        "Report injuries and near misses to the duty officer.",
        "Leave the changing rooms as you found them.",
        "Pay subscriptions before the start of the season.",
    ),
    table=(
        ("Meets on", ("weekday evenings", "weekends", "all week")),
        ("Coaching for beginners", ("yes", "on request")),
    ),
)

RESEARCH_SUMMARY = Domain(
    name="research summary",
    titles=("{org} Clinical Research Programme: Summary of Studies", "Annual Research Summary of the {org} Institute"),
    orgs=("Halden", "Northmere", "Castleford", "St Aldric", "Vantis"),
    categories=("",),
    entity_names=("ALDER", "BIRCH", "CEDAR", "LINDEN", "MAPLE", "HAZEL", "ROWAN", "ASPEN", "LARCH", "POPLAR"),
    absent_names=("SPRUCE", "HOLLY", "ELDERBERRY", "HAWTHORN", "JUNIPER", "SEQUOIA"),
    entity="the {name} study",
    headings=(
        "Foreword",
        "Programme Overview",
        "Methods Common to All Studies",
        "Ethics and Governance",
        "Patient and Public Involvement",
        "Outlook",
    ),  # fmt: skip
    entity_headings=("{entity}", "Findings of {entity}"),
    prose=(
        "The programme brings together clinicians and methodologists to {aim}.",
        "All studies were approved by the {board} before recruitment began.",
        "Data were collected on standardised forms and {checked} by an independent monitor.",
        "Patients and carers helped to {involve}, which improved recruitment.",
        "Analyses followed a statistical plan that was {plan} before any data were examined.",
        "Results are reported in line with {guideline} so that they can be compared across studies.",
        "The programme also supports early-career researchers through {support}.",
        "Where findings were uncertain, the authors recommend {next_step}.",
    ),
    entity_prose=(
        "The investigators of {entity} summarised their work as follows.",
        "{entity} addressed a question that clinicians had raised repeatedly in {setting}.",
        "Methods used in {entity} are described in full in the published protocol.",
        "Further analyses of {entity} are planned once longer follow-up data become available.",
    ),
    vocab={
        "aim": ("answer questions that matter to patients", "test treatments in routine care", "improve diagnosis"),
        "board": ("regional ethics committee", "institutional review board", "research governance office"),
        "checked": ("verified", "audited", "cross-checked"),
        "involve": ("design the patient materials", "choose the outcomes", "review the consent forms"),
        "plan": ("registered", "published", "agreed with the steering committee"),
        "guideline": ("international reporting guidelines", "the CONSORT statement", "the STROBE checklist"),
        "support": ("mentoring schemes", "methods workshops", "small pilot grants"),
        "next_step": ("a larger confirmatory trial", "longer follow-up", "replication in other settings"),
        "setting": ("outpatient clinics", "primary care", "emergency departments", "surgical wards"),
    },
    kinds=(
        FactKind(
            "participants",
            v.count(48, 2400, "participants"),
            {
                "a": ("{entity} enrolled {value} across its recruiting sites.",),
                "b": ("A total of {value} took part in {entity}.",),
            },
            {
                "a": ("How many people were included in {entity}?",),
                "b": ("What was the sample size of {entity}?", "How many patients did {entity} recruit?"),
            },
        ),
        FactKind(
            "follow_up",
            v.count(6, 60, "months", step=6),
            {
                "a": ("Participants in {entity} were followed up for {value} after enrolment.",),
                "b": ("{entity} tracked outcomes over a period of {value}.",),
            },
            {
                "a": (
                    "How long were patients observed in {entity}?",
                    "What was the duration of follow-up in {entity}?",
                ),
                "b": ("For how long were participants monitored in {entity}?",),
            },
        ),
        FactKind(
            "investigator",
            v.person,
            {
                "a": ("{entity} was led by {value} as principal investigator.",),
                "b": ("{value} coordinated {entity} and wrote its final report.",),
            },
            {
                "a": ("Who directed {entity}?",),
                "b": ("Who was the principal investigator of {entity}?", "Who led {entity}?"),
            },
        ),
        FactKind(
            "site",
            v.city,
            {
                "a": ("Recruitment for {entity} took place at a teaching hospital in {value}.",),
                "b": ("{entity} was run from a clinical research unit in {value}.",),
            },
            {
                "a": ("Where was {entity} conducted?", "In which city were patients for {entity} recruited?"),
                "b": ("Where was {entity} carried out?",),
            },
        ),
        FactKind(
            "start_date",
            v.full_date(2009, 2022),
            {
                "a": ("The first patient entered {entity} on {value}.",),
                "b": ("Enrolment in {entity} opened on {value}.",),
            },
            {
                "a": ("When did {entity} begin?", "What was the start date of {entity}?"),
                "b": ("When did recruitment for {entity} start?",),
            },
        ),
        FactKind(
            "mean_age",
            v.decimal(24.0, 78.0, "years"),
            {
                "a": ("The mean age of people in {entity} was {value}.",),
                "b": ("On average, participants of {entity} were {value} old.",),
            },
            {
                "a": ("How old were the participants of {entity} on average?",),
                "b": ("What was the average age in {entity}?",),
            },
        ),
    ),
    uses_pubmedqa=True,
)

DOMAINS: tuple[Domain, ...] = (
    PRODUCT_MANUAL,
    COMPANY_HANDBOOK,
    SERVICE_POLICY,
    TRAVEL_GUIDE,
    CLUB_RULES,
    RESEARCH_SUMMARY,
)
