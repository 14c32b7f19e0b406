//! The start page's "Worum geht es?" card, which a script lets fold away.
use leptos::prelude::*;

/// "Worum geht es?": open in the server-rendered page; the button to fold it appears only once
/// this island is live (it needs JavaScript), so without JavaScript nothing is hidden and no
/// dead control is offered. An island sees no server context, so the labels come as props;
/// the text is server-rendered children, sent once.
#[island]
pub fn AboutCard(heading: String, toggle: String, children: Children) -> impl IntoView {
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let open = RwSignal::new(true);
    view! {
        <section class="card" aria-labelledby="about-heading">
            <div class="card__head">
                <h2 id="about-heading">{heading}</h2>
                <button
                    type="button"
                    class="button button--secondary"
                    id="about-toggle"
                    aria-controls="about-text"
                    aria-expanded=move || open.get().to_string()
                    hidden=move || !live.get()
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    {toggle}
                </button>
            </div>
            <div id="about-text" hidden=move || !open.get()>
                {children()}
            </div>
        </section>
    }
}
