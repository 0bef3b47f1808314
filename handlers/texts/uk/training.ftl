### Приймальня — тексти бота: навчання: курси, запис, нагадування (мешканці) і розклад, відвідування (бібліотекарі).
###
### Як редагувати (для бібліотекарів):
### - Ліворуч від «=» — назва тексту (наприклад, appeal-ask-surname). Її не змінюйте: за нею
###   бот знаходить текст. Змінюйте лише те, що праворуч від «=».
### - Якщо текст має кілька рядків, кожен наступний рядок починається з відступу (4 пробіли).
###   Рядок без відступу бот сприйме як новий текст. Порожній рядок усередині тексту
###   залишиться порожнім рядком у повідомленні; пробіли на початку й у кінці тексту бот відкидає.
### - { $number }, { $name }, { $date } тощо — місця, куди бот підставить номер, ім'я, дату.
###   Залишайте їх як є (можна переставити в інше місце речення).
### - { library-phones } — вставка іншого тексту з цих файлів: телефони бібліотеки записано один раз,
###   у common.ftl.
### - Число з іменником пишеться так: { $count -> [one] … [few] … *[many] … }. Бот сам обирає
###   форму: [one] — для 1, 21, 101 (1 символ), [few] — для 2–4, 22–24 (2 символи),
###   [many] — для 0, 5–20, 25–30 (5 символів). Залишайте всі варіанти; зірочка * позначає
###   запасний варіант — не прибирайте її.
### - Рядок-продовження не може починатися з [ , * чи . — пишіть {"["}, {"*"}, {"."}
###   (наприклад, {"*"}*Тема:** — це **Тема:** жирним). Фігурні дужки в тексті — {"{"} і {"}"}.
### - Розмітка повідомлень: **жирний**, «- » на початку рядка — пункт списку, [назва](посилання).
### - Рядки, що починаються з #, — коментарі, бот їх не показує.
### - Після змін перезапустіть бота. Якщо у файлі помилка, бот не запуститься й назве файл,
###   рядок і текст, де її шукати.

## Курси й заняття

training-intro = **🎓 Навчання**

    Бібліотеки Миколаєва безкоштовно навчають користуватися комп'ютером, смартфоном, Дією та іншими онлайн-послугами. Оберіть курс — я покажу найближчі заняття й запишу вас.
training-no-courses = Розклад курсів ще не оголошено. Дізнатися про найближчі заняття можна за телефонами бібліотеки: { library-phones }.
btn-training-courses = 🎓 Усі курси
btn-training-mine = 📋 Мої записи
training-course = **{ $title }**

    { $description }

    {"*"}*Для кого:** { $audience }
    {"*"}*Тривалість:** { $duration }
    {"*"}*Що взяти:** { $bring }
training-pick-session = Оберіть заняття — дата, час і бібліотека:
training-no-sessions = Найближчих занять цього курсу поки немає. Загляньте пізніше або зателефонуйте: { library-phones }.
btn-training-session = { $when } · { $branch } · { $free }
training-waitlist-only = лише черга
training-seats = { $count ->
        [one] { $count } вільне місце
        [few] { $count } вільні місця
       *[many] { $count } вільних місць
    }
training-bookings = { $count ->
        [one] { $count } запис
        [few] { $count } записи
       *[many] { $count } записів
    }
training-when = { $weekday }, { $date }, { $time }
training-weekday-mon = понеділок
training-weekday-tue = вівторок
training-weekday-wed = середа
training-weekday-thu = четвер
training-weekday-fri = п'ятниця
training-weekday-sat = субота
training-weekday-sun = неділя
training-weekday-short-mon = пн
training-weekday-short-tue = вт
training-weekday-short-wed = ср
training-weekday-short-thu = чт
training-weekday-short-fri = пт
training-weekday-short-sat = сб
training-weekday-short-sun = нд
training-session = **{ $title }**

    🗓 { $when }
    📍 { $branch }, { $address }
    👩‍🏫 Веде: { $teacher }
    🎒 Що взяти: { $bring }

    { $availability }
training-free = Є { $seats }.
training-full = Усі місця зайняті. Можна стати в чергу (зараз у черзі: { $waiting }) — якщо місце звільниться, я одразу вам напишу.
btn-training-book = ✅ Записатися
btn-training-join-waitlist = ⏳ Стати в чергу
btn-training-back-to-course = ⬅️ До занять курсу
training-session-gone = Це заняття вже недоступне для запису (воно почалося або його скасовано). Оберіть, будь ласка, інше.

## Запис

training-already = Ви вже записані на це заняття (або стоїте в черзі). Подивитися чи скасувати запис можна в «Моїх записах».
training-limit = Одночасно можна мати не більше { $bookings } на майбутні заняття. Щоб записатися ще, скасуйте один із записів у «Моїх записах» або дочекайтеся, поки заняття відбудеться.
training-form-for = Запис на **{ $title }** — { $when }.
training-consent = **Перш ніж записати вас — про ваші дані**

    Для запису я попрошу ваше ім'я та прізвище, номер телефону й, за бажанням, вікову групу.

    {"*"}*Навіщо:** щоб бібліотекар знав, хто прийде, міг зателефонувати, якщо заняття перенесуть, а я — нагадати вам про заняття.
    {"*"}*Хто побачить:** лише бібліотекарі, які ведуть курси. Вікова група потрібна тільки для звітів бібліотеки — без імен.
    {"*"}*Скільки зберігаємо:** поки ви користуєтеся записом на курси; наступного разу я не питатиму ці дані знову.

    Ви погоджуєтеся на обробку цих даних?
training-no-consent = Добре, я нічого не зберіг. Записатися можна й у бібліотеці або за телефонами: { library-phones }.
training-ask-name = Напишіть, будь ласка, ваше **ім'я та прізвище**. Наприклад: Олена Шевченко.
training-err-name = Напишіть, будь ласка, ім'я та прізвище лише літерами — без цифр і значків (від 2 до 50 літер). Наприклад: Олена Шевченко.
training-ask-phone = Ваш **номер телефону** — щоб бібліотекар міг зв'язатися з вами, якщо заняття перенесуть. Напишіть його, наприклад: 067 123 45 67.
training-ask-age = Оберіть вашу **вікову групу**. Це потрібно лише для звітів бібліотеки; можна пропустити.
training-age-under35 = до 35 років
training-age-35to59 = 35–59 років
training-age-60plus = 60 років і старше
training-age-not-given = не вказано
training-review = Перевірте, будь ласка:

    { $summary }

    {"*"}*Ім'я:** { $name }
    {"*"}*Телефон:** { $phone }
    {"*"}*Вікова група:** { $age }

    Якщо все правильно — натисніть «Записатися».
btn-training-send = ✅ Записатися
btn-training-edit = ✏️ Змінити дані
training-edit-which = Що змінити?
training-field-label-name = Ім'я
training-field-label-phone = Телефон
training-field-label-age-group = Вікова група
training-form-cancelled = Запис скасовано, я нічого не зберіг. Ось головне меню.
training-booked = ✅ **Вас записано!**

    {"*"}*{ $title }**
    🗓 { $when }
    📍 { $branch }, { $address }
    🎒 Що взяти: { $bring }

    Приходьте, будь ласка, за 10 хвилин до початку. Я нагадаю вам напередодні й за кілька годин до заняття. Файл нижче можна додати до календаря телефону.
training-ics-description = Безкоштовне заняття в бібліотеці. Що взяти: { $bring }
training-ics-name = zaniattia-{ $id }.ics
training-waitlisted = Усі місця вже зайняті, тож я поставив вас у чергу. Ваше місце в черзі: { $position }. Якщо місце звільниться, я одразу напишу, і ви зможете його підтвердити.

## Мої записи

training-mine-empty = У вас немає записів на майбутні заняття.
training-mine-title = **Ваші записи:**
training-mine-line = {"*"}*{ $title }**
    🗓 { $when }
    📍 { $branch }, { $address }
    { $status }
training-status-booked = ✅ Місце за вами.
training-status-waiting = ⏳ Ви в черзі, ваше місце: { $position }.
training-status-offered = 🔔 Для вас звільнилося місце — підтвердіть до { $until }.
btn-training-cancel-booking = ✖️ Скасувати: { $when }
btn-training-take-seat = ✅ Підтвердити місце: { $when }
training-cancel-confirm = Скасувати цей запис? Місце перейде до наступного в черзі.
btn-training-cancel-yes = ✖️ Так, скасувати
training-cancelled = Запис скасовано.
training-booking-gone = Цього запису вже немає або заняття вже почалося.

## Нагадування й черга

training-remind-day = 🔔 **Нагадую: завтра заняття**

    {"*"}*{ $title }**
    🗓 { $when }
    📍 { $branch }, { $address }
    🎒 Що взяти: { $bring }

    Ви прийдете?
training-remind-soon = 🔔 **Скоро заняття**

    {"*"}*{ $title }** — { $when }
    📍 { $branch }, { $address }

    Чекаємо на вас! Якщо не зможете прийти, натисніть «Не зможу» — місце отримає інша людина.
btn-training-come = 👍 Буду
btn-training-cannot = ✖️ Не зможу
training-see-you = Дякую! Чекаємо на вас.
training-declined = Дякую, що попередили. Ваше місце передано наступному в черзі. Записатися на інше заняття можна будь-коли.
training-offer = 🔔 **Звільнилося місце!**

    {"*"}*{ $title }**
    🗓 { $when }
    📍 { $branch }

    Ви перші в черзі. Підтвердіть, будь ласка, до { $until } — інакше місце перейде до наступного.
btn-training-offer-take = ✅ Так, записатися
btn-training-offer-pass = Ні, не потрібно
training-offer-passed = Добре, місце передано наступному в черзі.
training-offer-expired = На жаль, час підтвердити місце минув, і воно перейшло до наступного в черзі. Записатися на інше заняття можна будь-коли.
training-offer-gone = Ця пропозиція вже не діє: місце перейшло до іншої людини або заняття почалося.
training-session-cancelled = ⚠️ **Заняття скасовано**

    {"*"}*{ $title }** — { $when }, { $branch }.

    Перепрошуємо! Оберіть, будь ласка, інше заняття в розділі «Навчання» або зателефонуйте: { library-phones }.

## Бібліотекарям: розклад, скасування, відвідування

cmd-staff-courses = Курси й найближчі заняття
cmd-staff-new-session = Додати заняття
cmd-staff-cancel-session = Скасувати заняття: /cancel_session N
cmd-staff-attendees = Хто записаний: /attendees N
cmd-staff-trained = Скільки людей навчено
training-staff-no-courses = Курсів ще немає. Завантажте їх із таблиці: python -m bot courses import FILE.csv (див. README).
training-staff-courses = **Курси й найближчі заняття** (N — номер заняття для /attendees N і /cancel_session N)
training-staff-course-line = {"*"}*{ $title }** ({ $code })
training-staff-session-line = #{ $id } { $when }, { $branch }: зайнято { $taken } з { $seats }, у черзі { $waiting }
training-staff-trained-none = Поки що ніхто не позначений як присутній.
training-staff-trained = **Навчено людей: { $total }**
training-staff-trained-line = - { $title }, { $age }: { $count }
training-staff-cancel-usage = Напишіть номер заняття: /cancel_session N (номери — у /courses).
training-staff-attendees-usage = Напишіть номер заняття: /attendees N (номери — у /courses).
training-staff-not-open = Заняття #{ $id } уже скасоване або вже почалося.
training-staff-cancel-confirm = Скасувати заняття курсу «{ $title }»?
    { $line }

    Усім записаним і тим, хто в черзі, я напишу, що заняття скасовано.
btn-training-staff-cancel = ✖️ Так, скасувати заняття
training-staff-cancelled = Заняття #{ $id } скасовано. Повідомлено: { $count ->
        [one] { $count } людину
        [few] { $count } людини
       *[many] { $count } людей
    }.
training-staff-attendees = **{ $title }**
    { $line }
training-staff-attendee = { $number }. { $name }, { $phone }, { $age } { $mark }
training-staff-attendee-offered = { $number }. { $name }, { $phone }, { $age } — місце запропоновано з черги, ще не підтверджено { $mark }
training-staff-came = ✅ був(ла)
training-staff-nobody = Ніхто ще не записався.
training-staff-waitlist = Черга:
training-staff-waiting = { $number }. { $name }, { $phone }
btn-training-staff-mark = ⬜ { $name }
btn-training-staff-came = ✅ { $name }
training-staff-attendee-gone = Цього запису вже немає.
training-staff-ask-course = Який курс? (Відповідайте на мої повідомлення, щоб я бачив відповіді.)
training-staff-ask-branch = Назва бібліотеки-філії, наприклад: Бібліотека-філія №5.
training-staff-ask-address = Адреса, наприклад: вул. Велика Морська, 50.
training-staff-ask-start = Дата й час початку, наприклад: 04.12.2026 10:00.
training-staff-ask-minutes = Скільки хвилин триває заняття? Наприклад: 120.
training-staff-ask-seats = Скільки місць?
training-staff-ask-teacher = Хто веде заняття?
training-staff-err-start = Напишіть дату й час так: 04.12.2026 10:00.
training-staff-err-past = Цей час уже минув. Напишіть, будь ласка, дату й час у майбутньому.
training-staff-err-number = Напишіть ціле число від 1 до { $limit }.
training-staff-review = **Нове заняття**
    Курс: { $course }
    Бібліотека: { $branch }, { $address }
    Початок: { $start }, { $minutes } хв
    Місць: { $seats }
    Веде: { $teacher }
btn-training-staff-save = ✅ Зберегти
training-staff-field-label-course = Курс
training-staff-field-label-branch = Бібліотека
training-staff-field-label-address = Адреса
training-staff-field-label-start = Початок
training-staff-field-label-minutes = Тривалість
training-staff-field-label-seats = Місця
training-staff-field-label-teacher = Хто веде
training-staff-created = Заняття #{ $id } курсу «{ $title }» додано — мешканці вже можуть записуватися.
training-staff-new-cancelled = Додавання заняття скасовано.
