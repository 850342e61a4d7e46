"""Message bodies, per template and language. Plain and short: a text should fit few segments.

These are message bodies sent to a person in *their* language, not interface strings, so they
live here as data rather than in .po files. Placeholders use Notify's ((name)) form. Every
person-facing template has English; a missing language falls back to English and the message
is flagged to staff (see services.render_message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"\(\(([a-z_]+)\)\)")

PERSON_LANGUAGES = ("en", "ar", "ur", "fa", "pl", "uk", "ro", "so", "bn", "cy")

# code -> language -> (subject, body)
TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "referral_received": {
        "en": (
            "We got your request for support",
            "Hello ((name)). ((service)) has your request for support. Your reference is "
            "((reference)). A link worker will contact you within ((days)) working days.",
        ),
        "ar": (
            "وصلنا طلبك للحصول على الدعم",
            "مرحبًا ((name)). وصل طلبك للحصول على الدعم إلى ((service)). رقمك المرجعي هو "
            "((reference)). سيتواصل معك منسّق الدعم خلال ((days)) أيام عمل.",
        ),
        "ur": (
            "ہمیں آپ کی مدد کی درخواست مل گئی ہے",
            "ہیلو ((name))۔ ((service)) کو آپ کی مدد کی درخواست مل گئی ہے۔ آپ کا حوالہ نمبر "
            "((reference)) ہے۔ ایک لنک ورکر ((days)) کاروباری دنوں کے اندر آپ سے رابطہ کرے گا۔",
        ),
        "fa": (
            "درخواست شما برای کمک به دست ما رسید",
            "سلام ((name)). درخواست شما برای کمک به ((service)) رسید. شماره پیگیری شما "
            "((reference)) است. یک هماهنگ‌کننده حمایت ظرف ((days)) روز کاری با شما تماس می‌گیرد.",
        ),
        "pl": (
            "Otrzymaliśmy Twoją prośbę o wsparcie",
            "Dzień dobry ((name)). Otrzymaliśmy Twoją prośbę o wsparcie w ((service)). Twój numer "
            "referencyjny to ((reference)). Koordynator wsparcia skontaktuje się z Tobą w ciągu "
            "((days)) dni roboczych.",
        ),
        "uk": (
            "Ми отримали ваш запит на підтримку",
            "Вітаємо, ((name)). Ми отримали ваш запит на підтримку в ((service)). Ваш номер "
            "звернення: ((reference)). Координатор підтримки зв'яжеться з вами протягом "
            "((days)) робочих днів.",
        ),
        "ro": (
            "Am primit cererea dumneavoastră de sprijin",
            "Bună ziua, ((name)). Am primit cererea dumneavoastră de sprijin la ((service)). "
            "Numărul de referință este ((reference)). Un coordonator de sprijin vă va contacta "
            "în ((days)) zile lucrătoare.",
        ),
        "so": (
            "Waxaan helnay codsigaaga taageerada",
            "Salaan ((name)). ((service)) waxay heshay codsigaaga taageerada. Lambarkaaga "
            "tixraaca waa ((reference)). Shaqaale isku xire ayaa kula soo xiriiri doona "
            "((days)) maalmood oo shaqo gudahood.",
        ),
        "bn": (
            "আমরা আপনার সহায়তার অনুরোধ পেয়েছি",
            "হ্যালো ((name))। ((service)) আপনার সহায়তার অনুরোধ পেয়েছে। আপনার রেফারেন্স নম্বর "
            "((reference))। একজন লিঙ্ক ওয়ার্কার ((days)) কার্যদিবসের মধ্যে আপনার সাথে যোগাযোগ করবেন।",
        ),
        "cy": (
            "Rydyn ni wedi cael eich cais am gymorth",
            "Helo ((name)). Mae ((service)) wedi cael eich cais am gymorth. Eich cyfeirnod yw "
            "((reference)). Bydd gweithiwr cyswllt yn cysylltu â chi o fewn ((days)) diwrnod gwaith.",
        ),
    },
    "appointment_reminder": {
        "en": (
            "Reminder: your appointment",
            "Hello ((name)). A reminder of your appointment with your link worker on ((date)) at "
            "((time)), at ((place)). If you cannot come, please call ((phone)).",
        ),
        "ar": (
            "تذكير: موعدك",
            "مرحبًا ((name)). نذكّرك بموعدك مع منسّق الدعم يوم ((date)) الساعة ((time)) في "
            "((place)). إذا لم تستطع الحضور، يرجى الاتصال على ((phone)).",
        ),
        "ur": (
            "یاد دہانی: آپ کی ملاقات",
            "ہیلو ((name))۔ یاد دہانی: ((date)) کو ((time)) بجے ((place)) میں آپ کی لنک ورکر "
            "سے ملاقات ہے۔ اگر آپ نہیں آ سکتے تو براہ کرم ((phone)) پر کال کریں۔",
        ),
        "fa": (
            "یادآوری: قرار ملاقات شما",
            "سلام ((name)). یادآوری قرار ملاقات شما با هماهنگ‌کننده حمایت در تاریخ ((date)) "
            "ساعت ((time)) در ((place)). اگر نمی‌توانید بیایید، لطفاً با ((phone)) تماس بگیرید.",
        ),
        "pl": (
            "Przypomnienie o spotkaniu",
            "Dzień dobry ((name)). Przypominamy o spotkaniu z koordynatorem wsparcia ((date)) o "
            "((time)), miejsce: ((place)). Jeśli nie możesz przyjść, zadzwoń pod numer ((phone)).",
        ),
        "uk": (
            "Нагадування про зустріч",
            "Вітаємо, ((name)). Нагадуємо про вашу зустріч з координатором підтримки ((date)) о "
            "((time)), місце: ((place)). Якщо ви не можете прийти, зателефонуйте за номером "
            "((phone)).",
        ),
        "ro": (
            "Memento: programarea dumneavoastră",
            "Bună ziua, ((name)). Vă reamintim de întâlnirea cu coordonatorul de sprijin pe "
            "((date)) la ora ((time)), la ((place)). Dacă nu puteți veni, sunați la ((phone)).",
        ),
        "so": (
            "Xusuusin: ballantaada",
            "Salaan ((name)). Waa xusuusin ballantaada aad la leedahay shaqaalaha isku xiraha "
            "((date)) saacadda ((time)), goobta ((place)). Haddii aadan iman karin, fadlan wac "
            "((phone)).",
        ),
        "bn": (
            "মনে করিয়ে দেওয়া: আপনার অ্যাপয়েন্টমেন্ট",
            "হ্যালো ((name))। মনে করিয়ে দিচ্ছি, ((date)) তারিখে ((time)) সময়ে ((place))-এ আপনার "
            "লিঙ্ক ওয়ার্কারের সাথে অ্যাপয়েন্টমেন্ট আছে। আসতে না পারলে দয়া করে ((phone)) নম্বরে ফোন করুন।",
        ),
        "cy": (
            "Nodyn atgoffa: eich apwyntiad",
            "Helo ((name)). Nodyn i'ch atgoffa am eich apwyntiad gyda'ch gweithiwr cyswllt ar "
            "((date)) am ((time)), yn ((place)). Os na allwch ddod, ffoniwch ((phone)).",
        ),
    },
    "social_prescription": {
        "en": (
            "Your social prescription",
            "Hello ((first_name)). As you agreed with your link worker, here is the activity for you: "
            "((activities)). If you have questions, please call ((phone)). Your reference is ((reference)).",
        ),
        "ar": (
            "وصفتك الاجتماعية",
            "مرحبًا ((first_name)). كما اتفقت مع منسّق الدعم، هذا هو النشاط المقترح لك: ((activities)). "
            "إذا كانت لديك أسئلة، يرجى الاتصال على ((phone)). رقمك المرجعي هو ((reference)).",
        ),
        "ur": (
            "آپ کا سوشل پریسکرپشن",
            "ہیلو ((first_name))۔ جیسا کہ آپ نے اپنے لنک ورکر سے طے کیا، آپ کے لیے یہ سرگرمی ہے: "
            "((activities))۔ اگر آپ کے کوئی سوالات ہوں تو براہ کرم ((phone)) پر کال کریں۔ آپ کا حوالہ نمبر ((reference)) ہے۔",
        ),
        "fa": (
            "نسخه اجتماعی شما",
            "سلام ((first_name)). همان‌طور که با هماهنگ‌کننده حمایت توافق کردید، این فعالیت برای شماست: "
            "((activities)). اگر سؤالی دارید، لطفاً با ((phone)) تماس بگیرید. شماره پیگیری شما ((reference)) است.",
        ),
        "pl": (
            "Twoja recepta społeczna",
            "Dzień dobry ((first_name)). Zgodnie z ustaleniami z koordynatorem wsparcia proponujemy "
            "Ci: ((activities)). Jeśli masz pytania, zadzwoń pod numer ((phone)). Twój numer referencyjny to ((reference)).",
        ),
        "uk": (
            "Ваш соціальний рецепт",
            "Вітаємо, ((first_name)). Як ви домовилися з координатором підтримки, ось заняття для вас: "
            "((activities)). Якщо маєте запитання, зателефонуйте за номером ((phone)). Ваш номер звернення: ((reference)).",
        ),
        "ro": (
            "Prescripția dumneavoastră socială",
            "Bună ziua, ((first_name)). Așa cum ați stabilit cu coordonatorul de sprijin, iată "
            "activitatea pentru dumneavoastră: ((activities)). Dacă aveți întrebări, sunați la "
            "((phone)). Numărul de referință este ((reference)).",
        ),
        "so": (
            "Qorshahaaga taageerada bulshada",
            "Salaan ((first_name)). Sidii aad ku heshiiseen shaqaalaha isku xiraha, tani waa hawsha "
            "laguu soo jeediyay: ((activities)). Haddii aad su'aalo qabto, fadlan wac ((phone)). Lambarkaaga tixraaca waa ((reference)).",
        ),
        "bn": (
            "আপনার সোশ্যাল প্রেসক্রিপশন",
            "হ্যালো ((first_name))। আপনার লিঙ্ক ওয়ার্কারের সাথে যেমন ঠিক হয়েছে, আপনার জন্য এই কার্যক্রম: "
            "((activities))। কোনো প্রশ্ন থাকলে দয়া করে ((phone)) নম্বরে ফোন করুন। আপনার রেফারেন্স নম্বর ((reference))।",
        ),
        "cy": (
            "Eich presgripsiwn cymdeithasol",
            "Helo ((first_name)). Fel y cytunoch gyda'ch gweithiwr cyswllt, dyma'r gweithgaredd i chi: "
            "((activities)). Os oes gennych gwestiynau, ffoniwch ((phone)). Eich cyfeirnod yw ((reference)).",
        ),
    },
    "session_reminder": {
        "en": (
            "Reminder: your session tomorrow",
            "Hello ((name)). Reminder: ((activity)) is tomorrow, ((date)) at ((time)), at "
            "((place)). If you cannot go, please call ((phone)).",
        ),
        "ar": (
            "تذكير: جلستك غدًا",
            "مرحبًا ((name)). تذكير: ((activity)) غدًا، ((date)) الساعة ((time))، في ((place)). "
            "إذا لم تستطع الذهاب، يرجى الاتصال على ((phone)).",
        ),
        "ur": (
            "یاد دہانی: کل آپ کا سیشن",
            "ہیلو ((name))۔ یاد دہانی: ((activity)) کل ہے، ((date)) کو ((time)) بجے، ((place)) "
            "میں۔ اگر آپ نہیں جا سکتے تو براہ کرم ((phone)) پر کال کریں۔",
        ),
        "fa": (
            "یادآوری: جلسه فردای شما",
            "سلام ((name)). یادآوری: ((activity)) فردا است، ((date)) ساعت ((time))، در ((place)). "
            "اگر نمی‌توانید بروید، لطفاً با ((phone)) تماس بگیرید.",
        ),
        "pl": (
            "Przypomnienie: jutrzejsze zajęcia",
            "Dzień dobry ((name)). Przypominamy: ((activity)) jutro, ((date)) o ((time)), "
            "miejsce: ((place)). Jeśli nie możesz przyjść, zadzwoń pod numer ((phone)).",
        ),
        "uk": (
            "Нагадування: ваше заняття завтра",
            "Вітаємо, ((name)). Нагадуємо: ((activity)) завтра, ((date)) о ((time)), місце: "
            "((place)). Якщо ви не можете прийти, зателефонуйте за номером ((phone)).",
        ),
        "ro": (
            "Memento: sesiunea de mâine",
            "Bună ziua, ((name)). Vă reamintim: ((activity)) are loc mâine, ((date)) la ora "
            "((time)), la ((place)). Dacă nu puteți merge, sunați la ((phone)).",
        ),
        "so": (
            "Xusuusin: kulankaaga berri",
            "Salaan ((name)). Xusuusin: ((activity)) waa berri, ((date)) saacadda ((time)), "
            "goobta ((place)). Haddii aadan tegi karin, fadlan wac ((phone)).",
        ),
        "bn": (
            "মনে করিয়ে দেওয়া: আগামীকাল আপনার সেশন",
            "হ্যালো ((name))। মনে করিয়ে দিচ্ছি: ((activity)) আগামীকাল, ((date)) তারিখে ((time)) "
            "সময়ে, ((place))-এ। যেতে না পারলে দয়া করে ((phone)) নম্বরে ফোন করুন।",
        ),
        "cy": (
            "Nodyn atgoffa: eich sesiwn yfory",
            "Helo ((name)). Nodyn atgoffa: mae ((activity)) yfory, ((date)) am ((time)), yn "
            "((place)). Os na allwch fynd, ffoniwch ((phone)).",
        ),
    },
    "questionnaire_link": {
        "en": (
            "How are you feeling?",
            "Hello ((name)). Please tell us how you are feeling. It takes about 5 minutes: "
            "((link))",
        ),
        "ar": (
            "كيف تشعر؟",
            "مرحبًا ((name)). يرجى إخبارنا كيف تشعر. يستغرق ذلك حوالي 5 دقائق: ((link))",
        ),
        "ur": (
            "آپ کیسا محسوس کر رہے ہیں؟",
            "ہیلو ((name))۔ براہ کرم ہمیں بتائیں کہ آپ کیسا محسوس کر رہے ہیں۔ اس میں تقریباً 5 منٹ "
            "لگتے ہیں: ((link))",
        ),
        "fa": (
            "حال شما چطور است؟",
            "سلام ((name)). لطفاً به ما بگویید حالتان چطور است. حدود ۵ دقیقه طول می‌کشد: ((link))",
        ),
        "pl": (
            "Jak się czujesz?",
            "Dzień dobry ((name)). Napisz nam, jak się czujesz. Zajmie to około 5 minut: ((link))",
        ),
        "uk": (
            "Як ви почуваєтеся?",
            "Вітаємо, ((name)). Розкажіть нам, будь ласка, як ви почуваєтеся. Це займе близько "
            "5 хвилин: ((link))",
        ),
        "ro": (
            "Cum vă simțiți?",
            "Bună ziua, ((name)). Vă rugăm să ne spuneți cum vă simțiți. Durează aproximativ "
            "5 minute: ((link))",
        ),
        "so": (
            "Sidee tahay?",
            "Salaan ((name)). Fadlan noo sheeg sida aad dareemayso. Waxay qaadanaysaa qiyaastii "
            "5 daqiiqo: ((link))",
        ),
        "bn": (
            "আপনি কেমন বোধ করছেন?",
            "হ্যালো ((name))। আপনি কেমন বোধ করছেন দয়া করে আমাদের জানান। এতে প্রায় ৫ মিনিট লাগে: ((link))",
        ),
        "cy": (
            "Sut ydych chi'n teimlo?",
            "Helo ((name)). Dywedwch wrthym sut rydych chi'n teimlo. Mae'n cymryd tua 5 munud: "
            "((link))",
        ),
    },
    "feedback_link": {
        "en": (
            "How was the session?",
            "Hello ((first_name)). How was the session? Tell us in 2 minutes: ((url))",
        ),
        "ar": (
            "كيف كانت الجلسة؟",
            "مرحبًا ((first_name)). كيف كانت الجلسة؟ أخبرنا في دقيقتين: ((url))",
        ),
        "ur": (
            "سیشن کیسا رہا؟",
            "ہیلو ((first_name))۔ سیشن کیسا رہا؟ 2 منٹ میں ہمیں بتائیں: ((url))",
        ),
        "fa": (
            "جلسه چطور بود؟",
            "سلام ((first_name)). جلسه چطور بود؟ در ۲ دقیقه به ما بگویید: ((url))",
        ),
        "pl": (
            "Jak było na zajęciach?",
            "Dzień dobry ((first_name)). Jak było na zajęciach? Powiedz nam, to zajmie 2 minuty: "
            "((url))",
        ),
        "uk": (
            "Як пройшло заняття?",
            "Вітаємо, ((first_name)). Як пройшло заняття? Розкажіть нам за 2 хвилини: ((url))",
        ),
        "ro": (
            "Cum a fost întâlnirea?",
            "Bună ziua, ((first_name)). Cum a fost întâlnirea? Spuneți-ne în 2 minute: ((url))",
        ),
        "so": (
            "Sidee ahaa kulanka?",
            "Salaan ((first_name)). Sidee ahaa kulanka? Nagu sheeg 2 daqiiqo gudahood: ((url))",
        ),
        "bn": (
            "সেশনটি কেমন ছিল?",
            "হ্যালো ((first_name))। সেশনটি কেমন ছিল? ২ মিনিটে আমাদের জানান: ((url))",
        ),
        "cy": (
            "Sut oedd y sesiwn?",
            "Helo ((first_name)). Sut oedd y sesiwn? Dywedwch wrthym mewn 2 funud: ((url))",
        ),
    },
    "we_missed_you": {
        "en": (
            "We missed you",
            "Hello ((name)). We missed you at ((activity)). We hope you are well. You are welcome "
            "back any time. To talk to your link worker, call ((phone)).",
        ),
        "ar": (
            "افتقدناك",
            "مرحبًا ((name)). افتقدناك في ((activity)). نأمل أن تكون بخير. أهلًا بعودتك في أي "
            "وقت. للتحدث مع منسّق الدعم، اتصل على ((phone)).",
        ),
        "ur": (
            "ہم نے آپ کو یاد کیا",
            "ہیلو ((name))۔ ہم نے ((activity)) میں آپ کو یاد کیا۔ امید ہے آپ خیریت سے ہیں۔ آپ کسی "
            "بھی وقت واپس آ سکتے ہیں۔ اپنے لنک ورکر سے بات کرنے کے لیے ((phone)) پر کال کریں۔",
        ),
        "fa": (
            "جای شما خالی بود",
            "سلام ((name)). جای شما در ((activity)) خالی بود. امیدواریم حالتان خوب باشد. هر زمان "
            "بخواهید می‌توانید برگردید. برای صحبت با هماهنگ‌کننده حمایت، با ((phone)) تماس بگیرید.",
        ),
        "pl": (
            "Brakowało nam Ciebie",
            "Dzień dobry ((name)). Brakowało nam Ciebie na zajęciach: ((activity)). Mamy nadzieję, "
            "że wszystko w porządku. Zapraszamy z powrotem w każdej chwili. Aby porozmawiać z "
            "koordynatorem wsparcia, zadzwoń pod numer ((phone)).",
        ),
        "uk": (
            "Нам вас бракувало",
            "Вітаємо, ((name)). Нам вас бракувало на занятті: ((activity)). Сподіваємося, у вас "
            "усе добре. Ви можете повернутися будь-коли. Щоб поговорити з координатором "
            "підтримки, зателефонуйте за номером ((phone)).",
        ),
        "ro": (
            "Ne-a fost dor de dumneavoastră",
            "Bună ziua, ((name)). Ne-a fost dor de dumneavoastră la ((activity)). Sperăm că "
            "sunteți bine. Puteți reveni oricând. Pentru a vorbi cu coordonatorul de sprijin, "
            "sunați la ((phone)).",
        ),
        "so": (
            "Waan ku xiisnay",
            "Salaan ((name)). Waan ku xiisnay. Kama aadan qayb galin ((activity)) dhowaan. "
            "Waxaan rajaynaynaa inaad fiican tahay. Waad soo laaban kartaa wakhti kasta. Si aad "
            "ula hadasho shaqaalaha isku xiraha, wac ((phone)).",
        ),
        "bn": (
            "আমরা আপনাকে মিস করেছি",
            "হ্যালো ((name))। ((activity))-তে আমরা আপনাকে মিস করেছি। আশা করি আপনি ভালো আছেন। "
            "আপনি যেকোনো সময় আবার আসতে পারেন। আপনার লিঙ্ক ওয়ার্কারের সাথে কথা বলতে ((phone)) "
            "নম্বরে ফোন করুন।",
        ),
        "cy": (
            "Roedden ni'n gweld eich colli",
            "Helo ((name)). Roedden ni'n gweld eich colli yn ((activity)). Gobeithio eich bod yn "
            "iawn. Mae croeso i chi ddod yn ôl unrhyw bryd. I siarad â'ch gweithiwr cyswllt, "
            "ffoniwch ((phone)).",
        ),
    },
    "tried_to_reach_you": {
        "en": (
            "We tried to contact you",
            "Hello ((name)). Your link worker tried to call you. Please call us on ((phone)) "
            "when it suits you.",
        ),
        "ar": (
            "حاولنا التواصل معك",
            "مرحبًا ((name)). حاول منسّق الدعم الاتصال بك. يرجى الاتصال بنا على ((phone)) في "
            "الوقت الذي يناسبك.",
        ),
        "ur": (
            "ہم نے آپ سے رابطہ کرنے کی کوشش کی",
            "ہیلو ((name))۔ آپ کے لنک ورکر نے آپ کو کال کرنے کی کوشش کی۔ جب آپ کو سہولت ہو تو "
            "براہ کرم ہمیں ((phone)) پر کال کریں۔",
        ),
        "fa": (
            "ما سعی کردیم با شما تماس بگیریم",
            "سلام ((name)). هماهنگ‌کننده حمایت شما سعی کرد با شما تماس بگیرد. لطفاً هر وقت برایتان "
            "مناسب بود با ((phone)) تماس بگیرید.",
        ),
        "pl": (
            "Próbowaliśmy się z Tobą skontaktować",
            "Dzień dobry ((name)). Twój koordynator wsparcia próbował do Ciebie zadzwonić. "
            "Zadzwoń do nas pod numer ((phone)), kiedy będzie Ci wygodnie.",
        ),
        "uk": (
            "Ми намагалися з вами зв'язатися",
            "Вітаємо, ((name)). Ваш координатор підтримки намагався вам зателефонувати. Будь "
            "ласка, зателефонуйте нам за номером ((phone)), коли вам зручно.",
        ),
        "ro": (
            "Am încercat să vă contactăm",
            "Bună ziua, ((name)). Coordonatorul de sprijin a încercat să vă sune. Vă rugăm să ne "
            "sunați la ((phone)) când vă este convenabil.",
        ),
        "so": (
            "Waxaan isku daynay inaan kula soo xiriirno",
            "Salaan ((name)). Shaqaalaha isku xiraha ayaa isku dayay inuu ku soo waco. Fadlan "
            "nagala soo xiriir ((phone)) marka ay kuu fududahay.",
        ),
        "bn": (
            "আমরা আপনার সাথে যোগাযোগের চেষ্টা করেছি",
            "হ্যালো ((name))। আপনার লিঙ্ক ওয়ার্কার আপনাকে ফোন করার চেষ্টা করেছিলেন। আপনার সুবিধামতো "
            "সময়ে দয়া করে ((phone)) নম্বরে আমাদের ফোন করুন।",
        ),
        "cy": (
            "Fe wnaethon ni geisio cysylltu â chi",
            "Helo ((name)). Fe geisiodd eich gweithiwr cyswllt eich ffonio. Ffoniwch ni ar "
            "((phone)) pan fydd yn gyfleus i chi.",
        ),
    },
    # Staff-facing: English only (staff read the interface language, which is English here).
    "new_referral": {
        "en": (
            "New referral ((reference))",
            "A new referral ((reference)) is waiting in the ((service)) inbox.",
        ),
    },
    # groups: a waitlisted place came up / two missed sessions in a row (no names in email).
    "group_place_offered": {
        "en": (
            "A place has come up at ((service))",
            "A place on ((session)) at ((service)) has been offered to someone on your "
            "caseload (case ((case))). Please let them know.",
        ),
    },
    # Any in-app staff notification, also emailed (notifications.notify_staff). The title and
    # body never hold a person's name; the link needs signing in.
    "staff_notification": {
        "en": (
            "Linkwell: ((title))",
            "((title))\n\n((body))\n\nSign in to Linkwell to see it: ((url))",
        ),
    },
    "group_missed_sessions": {
        "en": (
            "Missed two sessions at ((service))",
            "Someone on your caseload (case ((case))) has missed two sessions in a row at "
            "((service)). You may want to check in with them.",
        ),
    },
}

STAFF_TEMPLATES = frozenset(
    {"new_referral", "group_place_offered", "group_missed_sessions", "staff_notification"}
)
PERSON_TEMPLATES = frozenset(TEXTS) - STAFF_TEMPLATES


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    language: str
    fell_back: bool  # the person's language was missing, so English was used


def placeholders(code: str) -> set[str]:
    subject, body = TEXTS[code]["en"]
    return set(PLACEHOLDER.findall(subject + " " + body))


def render(code: str, language: str, personalisation: dict) -> Rendered:
    """Fill the template in `language`, or English if that language is missing."""
    versions = TEXTS[code]
    fell_back = language not in versions
    lang = "en" if fell_back else language

    def fill(text: str) -> str:
        return PLACEHOLDER.sub(lambda m: str(personalisation.get(m.group(1), "")), text)

    subject, body = versions[lang]
    return Rendered(subject=fill(subject), body=fill(body), language=lang, fell_back=fell_back)
