"""The fixed wording of documents in English and Russian (documents are printed in the
reader's language; record content such as names and titles is printed as filed)."""

from __future__ import annotations

LANGUAGES = ("en", "ru")

_RU: dict[str, str] = {
    "Ship-visit notification": "Уведомление о заходе кораблей и развёртывании",
    "Support order": "Заказ на материально-техническое обеспечение",
    "Invoice": "Счёт",
    "Statement of account": "Выписка по счёту",
    "Reference": "Номер",
    "Agreement": "Соглашение",
    "Deploying party": "Направляющая сторона",
    "Host party": "Принимающая сторона",
    "Purpose": "Цель",
    "Title": "Наименование",
    "Commander": "Командир",
    "Status": "Статус",
    "Filed": "Подано",
    "Filed by": "Подал",
    "By exception": "В порядке исключения",
    "yes": "да",
    "no": "нет",
    "Element": "Элемент",
    "Kind": "Вид",
    "Facility": "Объект",
    "Arrival": "Прибытие",
    "Departure": "Убытие",
    "Notice given": "Уведомление направлено",
    "Notice required (days)": "Требуемый срок уведомления (дней)",
    "Days of notice": "Дней до прибытия",
    "Details": "Сведения",
    "Name": "Название",
    "Hull": "Бортовой номер",
    "Class": "Класс",
    "Crew": "Экипаж",
    "Displacement (t)": "Водоизмещение (т)",
    "Length (m)": "Длина (м)",
    "Beam (m)": "Ширина (м)",
    "Draught (m)": "Осадка (м)",
    "Type": "Тип",
    "Serial": "Бортовой номер",
    "Call sign": "Позывной",
    "Personnel": "Личный состав",
    "warship": "корабль",
    "aircraft": "воздушное судно",
    "personnel": "личный состав",
    "Requesting party": "Запрашивающая сторона",
    "Supplying party": "Предоставляющая сторона",
    "Deployment": "Развёртывание",
    "Settlement method": "Способ расчёта",
    "Due": "Срок оплаты",
    "days after each delivery": "дней после каждой поставки",
    "Raised": "Создан",
    "Line": "Строка",
    "Category": "Категория",
    "Item": "Позиция",
    "Quantity": "Количество",
    "Unit": "Ед.",
    "Unit price": "Цена за ед.",
    "Amount": "Сумма",
    "Delivered": "Поставлено",
    "Total": "Итого",
    "no price in force": "цена не установлена",
    "Signatures": "Подписи",
    "Signed by": "Подписал",
    "Signed at": "Дата подписи",
    "Not signed": "Не подписано",
    "For": "За",
    "Delivery": "Поставка",
    "Received by": "Получил",
    "Owed": "К оплате",
    "Nothing delivered yet.": "Поставок ещё не было.",
    "Party": "Сторона",
    "Period": "Период",
    "Date": "Дата",
    "Order": "Заказ",
    "Counterparty": "Контрагент",
    "Balance": "Остаток",
    "Currency": "Валюта",
    "Opening balance": "Входящий остаток",
    "Closing balance": "Исходящий остаток",
    "Positive: owed to the party; negative: owed by the party.": (
        "Плюс: причитается стороне; минус: причитается со стороны."
    ),
    "Printed": "Напечатано",
    "cash": "денежный расчёт",
    "replacement_in_kind": "возмещение в натуральной форме",
    "equal_value_exchange": "равноценный обмен",
    "delivery": "поставка",
    "settlement": "расчёт",
    "reversal": "сторно",
}


def translator(lang: str) -> dict[str, str]:
    """Wording for the language; English is the wording itself."""
    return _RU if lang == "ru" else {}


def text(lang: str, wording: str) -> str:
    return translator(lang).get(wording, wording)
