### Приймальня — тексти бота: звіти для міської ради й керівництва бібліотеки (handlers/reports).
###
### Як редагувати (для бібліотекарів):
### - Ліворуч від «=» — назва тексту. Її не змінюйте: за нею бот знаходить текст.
###   Змінюйте лише те, що праворуч від «=».
### - { $name } — місце, куди бот підставить значення; залишайте як є.
### - Рядки, що починаються з #, — коментарі, бот їх не показує.
### - Після змін перезапустіть бота.

## Вивантаження звернень (python -m bot appeals export): назви стовпців

export-column-number = Номер
export-column-registered = Зареєстровано
export-column-submitted = Останнє подання
export-column-status = Стан
export-column-topic = Тема
export-column-body = Текст
export-column-files = Додатків
export-column-priority = Пільгова категорія (ст. 20)
export-column-confidential = Не розголошувати ім'я (ст. 10)
export-column-assisted = Подано в бібліотеці (бібліотекар)
export-column-consent = Згода на обробку даних
export-column-repeat-of = Можливо повторне до (ст. 8)
export-column-short-term = 15 днів
export-column-due = Відповідь до
export-column-council-number = Вх. № міської ради
export-column-council-date = Дата міської ради
export-column-forwarded-to = Переслано до
export-column-outcome = Результат
export-column-answer = Відповідь
export-column-surname = Прізвище
export-column-given-name = Ім'я
export-column-patronymic = По батькові
export-column-address = Адреса
export-column-phone = Телефон
export-column-email = Електронна пошта
export-column-history = Історія

## Аркуш історії

export-history-number = Номер
export-history-at = Коли
export-history-status = Стан
export-history-note = Примітка
export-history-actor = Хто

## Назви аркушів і значення так / ні

export-sheet-appeals = Звернення
export-sheet-history = Історія
export-yes = так
export-no = ні
