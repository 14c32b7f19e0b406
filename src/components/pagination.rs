//! Page links under a list: the first, the last, and two either side of the current page, the
//! current one marked with `aria-current="page"`.
use leptos::prelude::*;

use crate::app::use_texts;

/// The page numbers to link: the first, the last, and two either side of `page`.
pub fn page_numbers(page: i64, count: i64) -> Vec<i64> {
    (1..=count)
        .filter(|p| *p == 1 || *p == count || (p - page).abs() <= 2)
        .collect()
}

/// The navigation for page `page` of `count`; `href` gives the link of a page.
pub fn pagination(page: i64, count: i64, href: impl Fn(i64) -> String) -> impl IntoView {
    let t = use_texts();
    view! {
        <nav class="pagination" aria-label=t.pagination>
            <ul>
                {page_numbers(page, count)
                    .into_iter()
                    .map(|p| {
                        view! {
                            <li>
                                <a href=href(p) aria-current=(p == page).then_some("page")>
                                    {p}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_last_and_two_either_side() {
        assert_eq!(page_numbers(1, 1), [1]);
        assert_eq!(page_numbers(1, 4), [1, 2, 3, 4]);
        assert_eq!(page_numbers(1, 200), [1, 2, 3, 200]);
        assert_eq!(page_numbers(50, 200), [1, 48, 49, 50, 51, 52, 200]);
        assert_eq!(page_numbers(200, 200), [1, 198, 199, 200]);
    }
}
